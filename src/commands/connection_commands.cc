// Connection family: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT.
#include <span>
#include <string_view>
#include <vector>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

constexpr std::string_view kServerName = "redis";

void CmdPing(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    ctx.reply.Error(WrongArityError("ping"));
  } else if (ctx.args.size() == 1) {
    ctx.reply.SimpleString("PONG");
  } else {
    ctx.reply.Bulk(ctx.args[1]);
  }
}

void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

void CmdQuit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.session.close_after_reply = true;
}

void CmdReset(CommandContext& ctx) {
  ClientSession& session = ctx.session;
  session.db = 0;
  ctx.reply.set_resp_version(2);
  session.name.clear();
  // As in Redis: OFF and a pending SKIP end, but a SKIP already applying to this very
  // command still silences its reply.
  session.reply_off = session.reply_skip_next = false;
  ctx.reply.set_muted(session.reply_skip);
  session.authenticated = !ctx.server.PasswordRequired();
  // A monitor becomes an ordinary client again; its worker stops sending it lines.
  session.monitor = false;
  ctx.reply.SimpleString("RESET");
}

void CmdHello(CommandContext& ctx) {
  int64_t version = 0;
  size_t next = 1;
  if (ctx.args.size() >= 2) {
    auto parsed = ParseIntOrReply(ctx.reply, ctx.args[next++],
                                  "ERR Protocol version is not an integer or out of range");
    if (!parsed) return;
    if (*parsed < 2 || *parsed > 3) {
      ctx.reply.Error("NOPROTO unsupported protocol version");
      return;
    }
    version = *parsed;
  }

  // Options take effect one by one, in order, as in Redis 7.0: a name set before a
  // later option fails stays set.
  for (size_t i = next; i < ctx.args.size(); ++i) {
    size_t more = ctx.args.size() - 1 - i;
    if (IsKeyword(ctx.args[i], "AUTH") && more >= 2) {
      if (!ctx.server.CheckPassword(ctx.args[i + 1], ctx.args[i + 2])) {
        ctx.reply.Error(kErrWrongPass);
        return;
      }
      ctx.session.authenticated = true;
      i += 2;
    } else if (IsKeyword(ctx.args[i], "SETNAME") && more >= 1) {
      if (!IsValidClientName(ctx.args[i + 1])) {
        ctx.reply.Error(kErrBadClientName);
        return;
      }
      ctx.session.name.assign(ctx.args[i + 1]);  // an empty name clears it
      i += 1;
    } else {
      ctx.reply.Error("ERR Syntax error in HELLO option '" + std::string(UntilNul(ctx.args[i])) +
                      "'");
      return;
    }
  }
  if (!ctx.session.authenticated) {
    ctx.reply.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
    return;
  }
  if (version != 0) {
    ctx.reply.set_resp_version(static_cast<int>(version));
  }

  protocol::ReplyBuilder& r = ctx.reply;
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk(kServerName);
  r.Bulk("version");
  r.Bulk(kRedisCompatibleVersion);
  r.Bulk("proto");
  r.Integer(r.resp_version());
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.session.id));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.ArrayHeader(0);
}

// HELLO hides the user name and password of its AUTH option from MONITOR and the slow
// log, as Redis does when its option loop reaches them: not when the protocol version
// or an earlier option is refused first.
void RedactHello(std::span<const std::string_view> args, std::vector<bool>& redacted) {
  if (args.size() >= 2) {
    auto version = ParseStrictInt64(args[1]);
    if (!version || *version < 2 || *version > 3) return;
  }
  for (size_t i = 2; i < args.size(); ++i) {
    size_t more = args.size() - 1 - i;
    if (IsKeyword(args[i], "AUTH") && more >= 2) {
      redacted[i + 1] = redacted[i + 2] = true;
      i += 2;
    } else if (IsKeyword(args[i], "SETNAME") && more >= 1) {
      i += 1;
    } else {
      return;
    }
  }
}

// AUTH hides its arguments, unless it is refused for having too many.
void RedactAuth(std::span<const std::string_view> args, std::vector<bool>& redacted) {
  if (args.size() > 3) return;
  for (size_t i = 1; i < args.size(); ++i) redacted[i] = true;
}

void CmdAuth(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::string_view user = "default";
  std::string_view password;
  if (ctx.args.size() == 2) {
    if (!ctx.server.PasswordRequired()) {
      ctx.reply.Error(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?");
      return;
    }
    password = ctx.args[1];
  } else {
    user = ctx.args[1];
    password = ctx.args[2];
  }
  if (!ctx.server.CheckPassword(user, password)) {
    ctx.reply.Error(kErrWrongPass);
    return;
  }
  ctx.session.authenticated = true;
  ctx.reply.Ok();
}

void CmdSelect(CommandContext& ctx) {
  auto index = ParseIntOrReply(ctx.reply, ctx.args[1]);
  if (!index) return;
  if (*index < INT32_MIN || *index > INT32_MAX) {
    ctx.reply.Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return;
  }
  if (*index < 0 || *index >= ctx.server.databases()) {
    ctx.reply.Error(kErrDbIndex);
    return;
  }
  ctx.session.db = static_cast<int>(*index);
  ctx.reply.Ok();
}

constexpr uint32_t kHandshakeFlags =
    kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy;
constexpr uint32_t kConnectionCategories = kAclFast | kAclConnection;

}  // namespace

void RegisterConnectionCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  registry.Register({.name = "ping",
                     .arity = -1,
                     .flags = kCmdFast,
                     .categories = kConnectionCategories,
                     .handler = CmdPing,
                     .tips = {"request_policy:all_shards", "response_policy:all_succeeded"},
                     .doc = {"Checks that the server answers, optionally echoing a message.",
                             "1.0.0", "connection", "O(1)",
                             {{"message", "string", {}, A::kOptional}}}});
  registry.Register({.name = "echo",
                     .arity = 2,
                     .flags = kCmdLoading | kCmdStale | kCmdFast,
                     .categories = kConnectionCategories,
                     .handler = CmdEcho,
                     .doc = {"Returns its argument.", "1.0.0", "connection", "O(1)",
                             {{"message", "string"}}}});
  registry.Register({.name = "quit",
                     .arity = -1,
                     .flags = kHandshakeFlags,
                     .categories = kConnectionCategories,
                     .handler = CmdQuit,
                     .doc = {"Closes the connection after replying.", "1.0.0", "connection",
                             "O(1)", {}}});
  registry.Register({.name = "reset",
                     .arity = 1,
                     .flags = kHandshakeFlags,
                     .categories = kConnectionCategories,
                     .handler = CmdReset,
                     .doc = {"Returns the connection to its initial state.", "6.2.0",
                             "connection", "O(1)", {}}});
  registry.Register(
      {.name = "hello",
       .arity = -1,
       .flags = kHandshakeFlags,
       .categories = kConnectionCategories,
       .handler = CmdHello,
       .doc = {"Chooses the protocol version and reports the connection's context.", "6.0.0",
               "connection", "O(1)",
               {{"arguments", "block", {}, A::kOptional,
                 {{"protover", "integer"},
                  {"username_password", "block", "AUTH", A::kOptional,
                   {{"username", "string"}, {"password", "string"}}},
                  {"clientname", "string", "SETNAME", A::kOptional}}}},
               {{"6.2.0", "The protocol version became optional: without it HELLO only reports."}}},
       .redact = RedactHello});
  registry.Register({.name = "auth",
                     .arity = -2,
                     .flags = kHandshakeFlags,
                     .categories = kConnectionCategories,
                     .handler = CmdAuth,
                     .doc = {"Authenticates the connection.", "1.0.0", "connection",
                             "O(N) where N is the number of passwords defined for the user",
                             {{"username", "string", {}, A::kOptional, {}, "6.0.0"},
                              {"password", "string"}},
                             {{"6.0.0", "Accepts a user name before the password."}}},
                     .redact = RedactAuth});
  registry.Register({.name = "select",
                     .arity = 2,
                     .flags = kCmdLoading | kCmdStale | kCmdFast,
                     .categories = kConnectionCategories,
                     .handler = CmdSelect,
                     .doc = {"Changes the selected database.", "1.0.0", "connection", "O(1)",
                             {{"index", "integer"}}}});
}

}  // namespace ferrite
