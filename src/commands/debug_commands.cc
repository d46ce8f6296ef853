// DEBUG: subcommands for testing and diagnosing the server, refused unless
// enable-debug-command allows the client (command_dispatch.cc checks the gate). Each
// subcommand is one row of kDebugSubcommands: its name, its word count, its DEBUG HELP
// lines and its handler.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/help_reply.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

struct DebugSubcommand {
  std::string_view name;
  // Words in the request, DEBUG and the name included: N exactly, -N at least N. A
  // request that does not fit is answered like an unknown subcommand, as Redis does.
  int arity;
  // DEBUG HELP's lines for it: the syntax, then indented descriptions, '\n' between.
  std::string_view help;
  CommandHandler run;
};

// A long sleep wakes this often to see whether the server is shutting down (Redis's
// sleep ends at the signal that asks it to).
constexpr int64_t kSleepSliceMicros = 100'000;

void DebugSleep(CommandContext& ctx) {
  // Redis reads the seconds with strtod (junk is 0) and sleeps its only thread; here
  // the calling client's worker sleeps, and with it every client and shard on it. A
  // negative, NaN or unrepresentable time does not sleep at all, as in Redis, where
  // nanosleep refuses it.
  double seconds = std::strtod(std::string(UntilNul(ctx.args[2])).c_str(), nullptr);
  double micros = seconds * 1e6;
  int64_t remaining = micros > 0 && micros < 9.2e18 ? static_cast<int64_t>(micros) : 0;
  while (remaining > 0 && !ctx.server.ShutdownRequested()) {
    int64_t slice = std::min(remaining, kSleepSliceMicros);
    struct timespec delay = {static_cast<time_t>(slice / 1'000'000),
                             static_cast<long>(slice % 1'000'000) * 1000};
    nanosleep(&delay, nullptr);
    remaining -= slice;
  }
  ctx.reply.Ok();
}

// In the order of Redis's DEBUG HELP.
constexpr DebugSubcommand kDebugSubcommands[] = {
    {"sleep", 3, "SLEEP <seconds>\n    Stop the server for <seconds>. Decimals allowed.",
     DebugSleep},
};

bool ArityFits(int arity, size_t words) {
  return arity >= 0 ? words == static_cast<size_t>(arity) : words >= static_cast<size_t>(-arity);
}

void ReplyDebugHelp(CommandContext& ctx) {
  std::vector<std::string_view> lines;
  for (const DebugSubcommand& sub : kDebugSubcommands) {
    std::string_view help = sub.help;
    while (!help.empty()) {
      size_t end = help.find('\n');
      lines.push_back(help.substr(0, end));
      help = end == std::string_view::npos ? std::string_view() : help.substr(end + 1);
    }
  }
  ReplyHelp(ctx.reply, ctx.args[0], lines);
}

void CmdDebug(CommandContext& ctx) {
  std::string_view name = ctx.args[1];
  if (ctx.args.size() == 2 && IsKeyword(name, "help")) {
    ReplyDebugHelp(ctx);
    return;
  }
  for (const DebugSubcommand& sub : kDebugSubcommands) {
    if (IsKeyword(name, sub.name) && ArityFits(sub.arity, ctx.args.size())) {
      sub.run(ctx);
      return;
    }
  }
  ctx.reply.Error(SubcommandSyntaxError(ctx.args[0], name));
}

}  // namespace

void RegisterDebugCommands(CommandRegistry& registry) {
  registry.Register({.name = "debug",
                     .arity = -2,
                     .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdDebug,
                     .doc = {.summary = "A container for debugging commands.",
                             .since = "1.0.0",
                             .group = "server",
                             .complexity = "Depends on subcommand.",
                             .arguments = {},
                             .doc_flags = {"syscmd"}},
                     .gate = CommandGate::kDebug});
}

}  // namespace ferrite
