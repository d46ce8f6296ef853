// Server family: INFO, CONFIG GET/SET/RESETSTAT/HELP, TIME, SHUTDOWN.
#include <sys/time.h>

#include <set>
#include <string>
#include <utility>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

void CmdInfo(CommandContext& ctx) {
  std::vector<std::string_view> sections(ctx.args.begin() + 1, ctx.args.end());
  DeferredReply deferred = ctx.connection.Defer();
  ctx.server.Info(sections, [deferred = std::move(deferred)](std::string text) mutable {
    deferred.Complete([text = std::move(text)](protocol::ReplyBuilder& r) { r.Verbatim(text); });
  });
}

void CmdTime(CommandContext& ctx) {
  struct timeval now;
  gettimeofday(&now, nullptr);
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(now.tv_sec));
  ctx.reply.Bulk(std::to_string(now.tv_usec));
}

void CmdShutdown(CommandContext& ctx) {
  ShutdownRequest request;
  bool abort = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view option = ctx.args[i];
    if (IsKeyword(option, "nosave")) {
      request.nosave = true;
    } else if (IsKeyword(option, "save")) {
      request.save = true;
    } else if (IsKeyword(option, "now")) {
      request.now = true;
    } else if (IsKeyword(option, "force")) {
      request.force = true;
    } else if (IsKeyword(option, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  bool any_flag = request.save || request.nosave || request.now || request.force;
  if ((abort && any_flag) || (request.save && request.nosave)) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (abort) {
    // Shutdown is never left pending (there is no replica to wait for), so there is
    // nothing to abort.
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  Status status = ctx.server.Shutdown(request);
  if (!status.ok()) {
    ReplyStatusError(ctx.reply, status);
    return;
  }
  // As in Redis, a successful SHUTDOWN has no reply: the connection just closes.
  ctx.session.close_after_reply = true;
}

void CmdConfigGet(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
  ConfigPairs pairs = ctx.server.ConfigGet(patterns);
  ctx.reply.MapHeader(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

void CmdConfigSet(CommandContext& ctx) {
  if ((ctx.args.size() - 2) % 2 != 0) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  ConfigPairs changes;
  for (size_t i = 2; i + 1 < ctx.args.size(); i += 2) {
    changes.emplace_back(std::string(ctx.args[i]), std::string(ctx.args[i + 1]));
  }
  DeferredReply deferred = ctx.connection.Defer();
  ctx.server.ConfigSet(std::move(changes), [deferred = std::move(deferred)](Status status) mutable {
    deferred.Complete([status = std::move(status)](protocol::ReplyBuilder& r) {
      if (status.ok()) {
        r.Ok();
      } else {
        ReplyStatusError(r, status);
      }
    });
  });
}

void CmdConfigResetStat(CommandContext& ctx) {
  DeferredReply deferred = ctx.connection.Defer();
  ctx.server.ResetStats([deferred = std::move(deferred)]() mutable {
    deferred.Complete([](protocol::ReplyBuilder& r) { r.Ok(); });
  });
}

void CmdConfigHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminCategories = kAclAdmin | kAclSlow | kAclDangerous;

}  // namespace

void RegisterServerCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  registry.Register(
      {.name = "info",
       .arity = -1,
       .flags = kCmdLoading | kCmdStale,
       .categories = kAclSlow | kAclDangerous,
       .handler = CmdInfo,
       .tips = {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"},
       .doc = {"Reports information and statistics about the server.", "1.0.0", "server",
               "O(1)", {{"section", "string", {}, A::kOptional | A::kMultiple}},
               {{"7.0.0", "Accepts several sections at once."}}}});
  registry.Register({.name = "time",
                     .arity = 1,
                     .flags = kCmdLoading | kCmdStale | kCmdFast,
                     .categories = kAclFast,
                     .handler = CmdTime,
                     .tips = {"nondeterministic_output"},
                     .doc = {"Returns the server's time.", "2.6.0", "server", "O(1)", {}}});
  registry.Register(
      {.name = "shutdown",
       .arity = -1,
       .flags = kAdminFlags | kCmdNoMulti | kCmdAllowBusy,
       .categories = kAdminCategories,
       .handler = CmdShutdown,
       .doc = {"Stops the server, after persisting data when configured to.", "1.0.0", "server",
               "O(N) when saving, where N is the number of keys in all databases",
               {{"nosave_save", "oneof", {}, A::kOptional,
                 {{"nosave", "pure-token", "NOSAVE"}, {"save", "pure-token", "SAVE"}}},
                {"now", "pure-token", "NOW", A::kOptional, {}, "7.0.0"},
                {"force", "pure-token", "FORCE", A::kOptional, {}, "7.0.0"},
                {"abort", "pure-token", "ABORT", A::kOptional, {}, "7.0.0"}},
               {{"7.0.0", "NOW, FORCE and ABORT."}}}});

  std::vector<CommandSpec> config;
  config.push_back({.name = "get",
                    .arity = -3,
                    .flags = kAdminFlags,
                    .categories = kAdminCategories,
                    .handler = CmdConfigGet,
                    .doc = {"Returns the values of configuration parameters.", "2.0.0",
                            "server",
                            "O(N) when N is the number of configuration parameters provided",
                            {{"parameter", "block", {}, A::kMultiple, {{"parameter", "string"}}}},
                            {{"7.0.0", "Accepts several patterns at once."}}}});
  config.push_back({.name = "set",
                    .arity = -4,
                    .flags = kAdminFlags,
                    .categories = kAdminCategories,
                    .handler = CmdConfigSet,
                    .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
                    .doc = {"Sets configuration parameters, all or none.", "2.0.0", "server",
                            "O(N) when N is the number of configuration parameters provided",
                            {{"parameter_value", "block", {}, A::kMultiple,
                              {{"parameter", "string"}, {"value", "string"}}}},
                            {{"7.0.0", "Sets several parameters at once, all or none."}}}});
  config.push_back({.name = "resetstat",
                    .arity = 2,
                    .flags = kAdminFlags,
                    .categories = kAdminCategories,
                    .handler = CmdConfigResetStat,
                    .doc = {"Resets the statistics INFO reports.", "2.0.0", "server", "O(1)", {}}});
  config.push_back({.name = "help",
                    .arity = 2,
                    .flags = kCmdLoading | kCmdStale,
                    .categories = kAclSlow,
                    .handler = CmdConfigHelp,
                    .doc = {"Shows help on the CONFIG subcommands.", "5.0.0", "server", "O(1)",
                            {}}});
  registry.Register({.name = "config",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the configuration commands.", "2.0.0", "server",
                             "Depends on subcommand.", {}},
                     .subcommands = std::move(config)});
}

}  // namespace ferrite
