// The diagnostics family's command table entries: DEBUG, SLOWLOG, LATENCY (the
// subcommands Ferrite implements) and MONITOR, as Redis 7.0 reports them.
#include <utility>
#include <vector>

#include "commands/command_families.h"
#include "commands/debug_commands.h"

namespace ferrite {

void RegisterDebugCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  registry.Register({.name = "debug",
                     .arity = -2,
                     .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdDebug,
                     .doc = {.summary = "Runs a debugging or testing operation.", .since = "1.0.0",
                             .group = "server", .complexity = "Depends on the operation.",
                             .doc_flags = {"syscmd"}}});

  std::vector<CommandSpec> slowlog;
  slowlog.push_back({.name = "get",
                     .arity = -2,
                     .flags = kCmdAdmin | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdSlowlogGet,
                     .tips = {"request_policy:all_nodes", "nondeterministic_output"},
                     .doc = {"Returns the newest entries of the slow log.", "2.2.12", "server",
                             "O(N) where N is the number of entries returned",
                             {{"count", "integer", {}, A::kOptional}},
                             {{"4.0.0", "Entries name the client's address and name."}}}});
  slowlog.push_back({.name = "len",
                     .arity = 2,
                     .flags = kCmdAdmin | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdSlowlogLen,
                     .tips = {"request_policy:all_nodes", "response_policy:agg_sum",
                              "nondeterministic_output"},
                     .doc = {"Returns the number of entries in the slow log.", "2.2.12", "server",
                             "O(1)", {}}});
  slowlog.push_back({.name = "reset",
                     .arity = 2,
                     .flags = kCmdAdmin | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdSlowlogReset,
                     .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
                     .doc = {"Empties the slow log.", "2.2.12", "server",
                             "O(N) where N is the number of entries removed", {}}});
  slowlog.push_back({.name = "help",
                     .arity = 2,
                     .flags = kCmdLoading | kCmdStale,
                     .categories = kAclSlow,
                     .handler = CmdSlowlogHelp,
                     .doc = {"Shows help on the SLOWLOG subcommands.", "6.2.0", "server", "O(1)",
                             {}}});
  registry.Register({.name = "slowlog",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the slow log commands.", "2.2.12", "server",
                             "Depends on subcommand.", {}},
                     .subcommands = std::move(slowlog)});

  std::vector<CommandSpec> latency;
  latency.push_back({.name = "latest",
                     .arity = 2,
                     .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdLatencyLatest,
                     .tips = {"nondeterministic_output", "request_policy:all_nodes",
                              "response_policy:special"},
                     .doc = {"Returns the latest latency spike of every event.", "2.8.13", "server",
                             "O(1)", {}}});
  latency.push_back({.name = "history",
                     .arity = 3,
                     .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdLatencyHistory,
                     .tips = {"nondeterministic_output", "request_policy:all_nodes",
                              "response_policy:special"},
                     .doc = {"Returns the recorded latency spikes of one event.", "2.8.13",
                             "server", "O(1)", {{"event", "string"}}}});
  latency.push_back({.name = "reset",
                     .arity = -2,
                     .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdLatencyReset,
                     .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
                     .doc = {"Clears the recorded latency spikes of some or all events.", "2.8.13",
                             "server", "O(1)",
                             {{"event", "string", {}, A::kOptional | A::kMultiple}}}});
  latency.push_back({.name = "help",
                     .arity = 2,
                     .flags = kCmdLoading | kCmdStale,
                     .categories = kAclSlow,
                     .handler = CmdLatencyHelp,
                     .doc = {"Shows help on the LATENCY subcommands.", "2.8.13", "server", "O(1)",
                             {}}});
  registry.Register({.name = "latency",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the latency monitor commands.", "2.8.13", "server",
                             "Depends on subcommand.", {}},
                     .subcommands = std::move(latency)});

  registry.Register({.name = "monitor",
                     .arity = 1,
                     .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
                     .categories = kAclAdmin | kAclSlow | kAclDangerous,
                     .handler = CmdMonitor,
                     .doc = {.summary = "Streams every command the server receives.",
                             .since = "1.0.0", .group = "server"}});
}

}  // namespace ferrite
