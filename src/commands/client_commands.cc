// CLIENT and its subcommands: ID, INFO, LIST, KILL, SETNAME, GETNAME, REPLY, GETREDIR, HELP.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

std::optional<ClientType> ClientTypeFromName(std::string_view name) {
  if (IsKeyword(name, "normal")) return ClientType::kNormal;
  if (IsKeyword(name, "slave") || IsKeyword(name, "replica")) return ClientType::kReplica;
  if (IsKeyword(name, "pubsub")) return ClientType::kPubsub;
  if (IsKeyword(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

std::string UnknownClientTypeError(std::string_view name) {
  return "ERR Unknown client type '" + std::string(UntilNul(name)) + "'";
}

void CmdClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.session.id)); }

void CmdClientInfo(CommandContext& ctx) {
  ctx.reply.Verbatim(ctx.connection.Describe() + "\n");
}

void CmdClientList(CommandContext& ctx) {
  ClientFilter filter;
  if (ctx.args.size() == 4 && IsKeyword(ctx.args[2], "type")) {
    auto type = ClientTypeFromName(ctx.args[3]);
    if (!type) {
      ctx.reply.Error(UnknownClientTypeError(ctx.args[3]));
      return;
    }
    filter.type = *type;
  } else if (ctx.args.size() > 3 && IsKeyword(ctx.args[2], "id")) {
    for (size_t i = 3; i < ctx.args.size(); ++i) {
      auto id = ParseIntOrReply(ctx.reply, ctx.args[i], "ERR Invalid client ID");
      if (!id) return;
      filter.ids.push_back(static_cast<uint64_t>(*id));
    }
  } else if (ctx.args.size() != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::vector<uint64_t> requested_ids = filter.ids;
  DeferredReply deferred = ctx.connection.Defer();
  ctx.server.ListClients(
      std::move(filter),
      [deferred = std::move(deferred), requested_ids = std::move(requested_ids)](
          std::vector<std::pair<uint64_t, std::string>> clients) mutable {
        std::sort(clients.begin(), clients.end());
        std::string text;
        auto append = [&text](const std::string& line) {
          text += line;
          text += '\n';
        };
        if (requested_ids.empty()) {
          for (const auto& [id, line] : clients) append(line);
        } else {
          // Redis lists ID-selected clients in the order asked, repeats included.
          for (uint64_t id : requested_ids) {
            auto it = std::lower_bound(clients.begin(), clients.end(),
                                       std::pair<uint64_t, std::string>{id, {}});
            if (it != clients.end() && it->first == id) append(it->second);
          }
        }
        deferred.Complete([text = std::move(text)](protocol::ReplyBuilder& r) { r.Verbatim(text); });
      });
}

void CmdClientKill(CommandContext& ctx) {
  ClientFilter filter;
  const bool old_form = ctx.args.size() == 3;
  if (old_form) {
    // CLIENT KILL addr:port may kill the caller itself.
    filter.addr = std::string(UntilNul(ctx.args[2]));
  } else {
    filter.skip_id = ctx.session.id;
    for (size_t i = 2; i < ctx.args.size(); i += 2) {
      std::string_view option = ctx.args[i];
      if (i + 1 >= ctx.args.size()) {
        ctx.reply.Error(kErrSyntax);
        return;
      }
      std::string_view value = ctx.args[i + 1];
      if (IsKeyword(option, "id")) {
        auto id = ParseStrictInt64(value);
        if (!id || *id < 1) {
          ctx.reply.Error("ERR client-id should be greater than 0");
          return;
        }
        filter.ids.assign(1, static_cast<uint64_t>(*id));
      } else if (IsKeyword(option, "type")) {
        auto type = ClientTypeFromName(value);
        if (!type) {
          ctx.reply.Error(UnknownClientTypeError(value));
          return;
        }
        filter.type = *type;
      } else if (IsKeyword(option, "addr")) {
        filter.addr = std::string(UntilNul(value));
      } else if (IsKeyword(option, "laddr")) {
        filter.laddr = std::string(UntilNul(value));
      } else if (IsKeyword(option, "user")) {
        if (value != "default") {
          ctx.reply.Error("ERR No such user '" + std::string(UntilNul(value)) + "'");
          return;
        }
        filter.user = std::string(value);
      } else if (IsKeyword(option, "skipme")) {
        if (IsKeyword(value, "yes")) {
          filter.skip_id = ctx.session.id;
        } else if (IsKeyword(value, "no")) {
          filter.skip_id.reset();
        } else {
          ctx.reply.Error(kErrSyntax);
          return;
        }
      } else {
        ctx.reply.Error(kErrSyntax);
        return;
      }
    }
  }
  DeferredReply deferred = ctx.connection.Defer();
  ctx.server.KillClients(std::move(filter), ctx.session.id,
                         [deferred = std::move(deferred), old_form](size_t killed) mutable {
                           deferred.Complete([killed, old_form](protocol::ReplyBuilder& r) {
                             if (!old_form) {
                               r.Integer(static_cast<int64_t>(killed));
                             } else if (killed == 0) {
                               r.Error(kErrNoSuchClient);
                             } else {
                               r.Ok();
                             }
                           });
                         });
}

void CmdClientSetName(CommandContext& ctx) {
  if (!IsValidClientName(ctx.args[2])) {
    ctx.reply.Error(kErrBadClientName);
    return;
  }
  ctx.session.name.assign(ctx.args[2]);
  ctx.reply.Ok();
}

void CmdClientGetName(CommandContext& ctx) {
  if (ctx.session.name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(ctx.session.name);
  }
}

void CmdClientReply(CommandContext& ctx) {
  ClientSession& session = ctx.session;
  std::string_view mode = ctx.args[2];
  if (IsKeyword(mode, "on")) {
    session.reply_off = session.reply_skip = session.reply_skip_next = false;
    ctx.reply.set_muted(false);
    ctx.reply.Ok();
  } else if (IsKeyword(mode, "off")) {
    session.reply_off = true;
  } else if (IsKeyword(mode, "skip")) {
    if (!session.reply_off) session.reply_skip_next = true;
  } else {
    ctx.reply.Error(kErrSyntax);
  }
}

void CmdClientGetRedir(CommandContext& ctx) {
  // Client-side caching redirection is not supported, so there is never a target.
  ctx.reply.Integer(-1);
}

void CmdClientHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "GETREDIR",
      "    Return the client ID that tracking notifications are redirected to (always -1).",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill the connection at <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill the connections matching every filter. Options:",
      "    * ID <client-id>",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "    * USER <username>",
      "    * ADDR <ip:port>",
      "    * LADDR <ip:port>",
      "    * SKIPME (YES|NO)",
      "      Whether to spare the calling client (YES by default).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "    * ID <client-id> [<client-id> ...]",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign a name to the current connection.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kClientFlags = kCmdNoscript | kCmdLoading | kCmdStale;
constexpr uint32_t kClientCategories = kAclSlow | kAclConnection;
constexpr uint32_t kClientAdminCategories = kAclAdmin | kAclSlow | kAclDangerous | kAclConnection;

}  // namespace

void RegisterClientCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  std::vector<ArgumentDoc> type_choice = {{"normal", "pure-token", "NORMAL"},
                                          {"master", "pure-token", "MASTER"},
                                          {"replica", "pure-token", "REPLICA"},
                                          {"pubsub", "pure-token", "PUBSUB"}};
  std::vector<CommandSpec> subcommands;
  subcommands.push_back({.name = "id",
                         .arity = 2,
                         .flags = kClientFlags,
                         .categories = kClientCategories,
                         .handler = CmdClientId,
                         .doc = {"Returns the connection's unique ID.", "5.0.0", "connection",
                                 "O(1)", {}}});
  subcommands.push_back({.name = "info",
                         .arity = 2,
                         .flags = kClientFlags,
                         .categories = kClientCategories,
                         .handler = CmdClientInfo,
                         .tips = {"nondeterministic_output"},
                         .doc = {"Describes the current connection.", "6.2.0", "connection",
                                 "O(1)", {}}});
  subcommands.push_back(
      {.name = "list",
       .arity = -2,
       .flags = kCmdAdmin | kClientFlags,
       .categories = kClientAdminCategories,
       .handler = CmdClientList,
       .tips = {"nondeterministic_output"},
       .doc = {"Lists the open connections, one line each.", "2.4.0", "connection",
               "O(N) where N is the number of client connections",
               {{"normal_master_replica_pubsub", "oneof", "TYPE", A::kOptional, type_choice,
                 "5.0.0"},
                {"id", "block", "ID", A::kOptional,
                 {{"client-id", "integer", {}, A::kMultiple}}, "6.2.0"}},
               {{"2.8.12", "The id field."},
                {"5.0.0", "The TYPE filter."},
                {"6.0.0", "The user field."},
                {"6.2.0", "The argv-mem, tot-mem, laddr and redir fields; the ID filter."},
                {"7.0.0", "The resp, multi-mem, rbs and rbp fields."},
                {"7.0.3", "The ssub field."}}}});
  subcommands.push_back(
      {.name = "kill",
       .arity = -3,
       .flags = kCmdAdmin | kClientFlags,
       .categories = kClientAdminCategories,
       .handler = CmdClientKill,
       .doc = {"Closes the connections that match the filters.", "2.4.0", "connection",
               "O(N) where N is the number of client connections",
               {{"filter", "oneof", {}, 0,
                 {{.name = "ip:port", .type = "string", .deprecated_since = "2.8.12"},
                  {"new-format", "oneof", {}, A::kMultiple,
                   {{"client-id", "integer", "ID", A::kOptional, {}, "2.8.12"},
                    {"normal_master_slave_pubsub", "oneof", "TYPE", A::kOptional,
                     {{"normal", "pure-token", "NORMAL"},
                      {"master", "pure-token", "MASTER", 0, {}, "3.2.0"},
                      {"slave", "pure-token", "SLAVE"},
                      {"replica", "pure-token", "REPLICA", 0, {}, "5.0.0"},
                      {"pubsub", "pure-token", "PUBSUB"}},
                     "2.8.12"},
                    {"username", "string", "USER", A::kOptional},
                    {"ip:port", "string", "ADDR", A::kOptional},
                    {"ip:port", "string", "LADDR", A::kOptional, {}, "6.2.0"},
                    {"yes/no", "string", "SKIPME", A::kOptional}}}}}},
               {{"2.8.12", "Filters given as option/value pairs."},
                {"2.8.12", "The ID filter."},
                {"3.2.0", "The master type for TYPE."},
                {"5.0.0", "replica as the name of the replica type; slave is still accepted."},
                {"6.2.0", "The LADDR filter."}}}});
  subcommands.push_back({.name = "setname",
                         .arity = 3,
                         .flags = kClientFlags,
                         .categories = kClientCategories,
                         .handler = CmdClientSetName,
                         .doc = {"Names the current connection.", "2.6.9", "connection", "O(1)",
                                 {{"connection-name", "string"}}}});
  subcommands.push_back({.name = "getname",
                         .arity = 2,
                         .flags = kClientFlags,
                         .categories = kClientCategories,
                         .handler = CmdClientGetName,
                         .doc = {"Returns the current connection's name.", "2.6.9",
                                 "connection", "O(1)", {}}});
  subcommands.push_back({.name = "reply",
                         .arity = 3,
                         .flags = kClientFlags,
                         .categories = kClientCategories,
                         .handler = CmdClientReply,
                         .doc = {"Turns replies to the current connection on or off.", "3.2.0",
                                 "connection", "O(1)",
                                 {{"on_off_skip", "oneof", {}, 0,
                                   {{"on", "pure-token", "ON"},
                                    {"off", "pure-token", "OFF"},
                                    {"skip", "pure-token", "SKIP"}}}}}});
  subcommands.push_back({.name = "getredir",
                         .arity = 2,
                         .flags = kClientFlags,
                         .categories = kClientCategories,
                         .handler = CmdClientGetRedir,
                         .doc = {"Returns the client ID that tracking notifications go to.",
                                 "6.0.0", "connection", "O(1)", {}}});
  subcommands.push_back({.name = "help",
                         .arity = 2,
                         .flags = kCmdLoading | kCmdStale,
                         .categories = kClientCategories,
                         .handler = CmdClientHelp,
                         .doc = {"Shows help on the CLIENT subcommands.", "5.0.0", "connection",
                                 "O(1)", {}}});
  registry.Register({.name = "client",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the connection commands.", "2.4.0", "connection",
                             "Depends on subcommand.", {}},
                     .subcommands = std::move(subcommands)});
}

}  // namespace ferrite
