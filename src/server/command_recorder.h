// What a worker records about each command its clients run, once it has run: the
// MONITOR line, the command's latency histogram, LATENCY events and the slow log.
// A connection calls Ran() when the command's handler has returned and Finished() when
// its reply is complete (later, for a reply deferred to another shard). Unless a
// monitor is attached or the command was slow, both cost a few comparisons and one
// counter increment. Worker thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/client_session.h"
#include "commands/command_spec.h"
#include "server/monitor_feed.h"
#include "server/slow_log.h"

namespace ferrite {

class Worker;

class CommandRecorder {
 public:
  explicit CommandRecorder(Worker& worker);

  // Feeds the command to every monitor (unless Redis hides it: admin commands and
  // those flagged skip_monitor), with the client's database as the handler left it.
  // `args` need only live for the call.
  void Ran(const CommandSpec& command, std::span<const std::string_view> args, int db,
           std::string_view peer);

  // True when a command whose reply is deferred must keep its arguments for
  // Finished(): the slow log is on, and the arguments are gone by the time the reply
  // completes.
  bool SlowlogEnabled() const;

  // Records a command whose reply is complete. `duration_ticks` (CycleClock) runs from
  // dispatch to completion. `args` are the command's arguments or, when they are gone,
  // empty, with `kept` holding what the slow log needs of them (taken when the command
  // was deferred).
  void Finished(const CommandSpec& command, uint64_t duration_ticks,
                std::span<const std::string_view> args, const SlowlogArgs& kept,
                const ClientSession& session, std::string_view peer);

  // Posts this loop iteration's monitor lines to the workers whose monitors get them.
  void FlushMonitorLines();

 private:
  Worker& worker_;
  MonitorFeed monitor_feed_;
};

}  // namespace ferrite
