// SLOWLOG GET, LEN, RESET and HELP: the server-wide log of commands slower than
// slowlog-log-slower-than (server/slow_log.h keeps it).
#include <climits>
#include <string_view>
#include <vector>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/help_reply.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

// Entries SLOWLOG GET returns without a count.
constexpr int64_t kDefaultGetCount = 10;

void CmdSlowlogGet(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(SubcommandSyntaxError(ctx.args[0], ctx.args[1]));
    return;
  }
  int64_t count = kDefaultGetCount;
  if (ctx.args.size() == 3) {
    // Redis's getRangeLongFromObjectOrReply: one message for junk and for values out
    // of range alike.
    auto parsed = ParseStrictInt64(ctx.args[2]);
    if (!parsed || *parsed < -1) {
      ctx.reply.Error("ERR count should be greater than or equal to -1");
      return;
    }
    count = *parsed == -1 ? INT64_MAX : *parsed;  // -1: every entry
  }
  std::vector<SlowlogEntry> entries = ctx.server.SlowlogNewest(static_cast<size_t>(count));
  protocol::ReplyBuilder& r = ctx.reply;
  r.ArrayHeader(entries.size());
  for (const SlowlogEntry& entry : entries) {
    r.ArrayHeader(6);
    r.Integer(static_cast<int64_t>(entry.id));
    r.Integer(entry.unix_time);
    r.Integer(entry.duration_us);
    r.ArrayHeader(entry.argv.size());
    for (const std::string& arg : entry.argv) r.Bulk(arg);
    r.Bulk(entry.peer);
    r.Bulk(entry.client_name);
  }
}

void CmdSlowlogLen(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.SlowlogLength()));
}

void CmdSlowlogReset(CommandContext& ctx) {
  ctx.server.SlowlogReset();
  ctx.reply.Ok();
}

void CmdSlowlogHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
  };
  ReplyHelp(ctx.reply, ctx.args[0], kLines);
}

constexpr uint32_t kSlowlogFlags = kCmdAdmin | kCmdLoading | kCmdStale;
constexpr uint32_t kSlowlogCategories = kAclAdmin | kAclSlow | kAclDangerous;

}  // namespace

void RegisterSlowlogCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  // In the order Redis 7.0 lists them (COMMAND INFO compares them in order).
  std::vector<CommandSpec> subcommands;
  subcommands.push_back({.name = "reset",
                         .arity = 2,
                         .flags = kSlowlogFlags,
                         .categories = kSlowlogCategories,
                         .handler = CmdSlowlogReset,
                         .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
                         .doc = {"Empties the slow log.",
                                 "2.2.12",
                                 "server",
                                 "O(N) where N is the number of entries in the slowlog",
                                 {}}});
  subcommands.push_back(
      {.name = "len",
       .arity = 2,
       .flags = kSlowlogFlags,
       .categories = kSlowlogCategories,
       .handler = CmdSlowlogLen,
       .tips = {"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"},
       .doc = {"Returns the number of entries in the slow log.", "2.2.12", "server", "O(1)", {}}});
  subcommands.push_back({.name = "get",
                         .arity = -2,
                         .flags = kSlowlogFlags,
                         .categories = kSlowlogCategories,
                         .handler = CmdSlowlogGet,
                         .tips = {"request_policy:all_nodes", "nondeterministic_output"},
                         .doc = {"Returns the newest entries of the slow log.",
                                 "2.2.12",
                                 "server",
                                 "O(N) where N is the number of entries returned",
                                 {{"count", "integer", {}, A::kOptional}},
                                 {{"4.0.0", "Entries name the client's address and name."}}}});
  subcommands.push_back(
      {.name = "help",
       .arity = 2,
       .flags = kCmdLoading | kCmdStale,
       .categories = kAclSlow,
       .handler = CmdSlowlogHelp,
       .doc = {"Shows help on the SLOWLOG subcommands.", "6.2.0", "server", "O(1)", {}}});
  registry.Register({.name = "slowlog",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the slow log commands.",
                             "2.2.12",
                             "server",
                             "Depends on subcommand.",
                             {}},
                     .subcommands = std::move(subcommands)});
}

}  // namespace ferrite
