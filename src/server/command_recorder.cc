#include "server/command_recorder.h"

#include <time.h>

#include "server/latency_buckets.h"
#include "server/server.h"
#include "server/worker.h"
#include "util/cycle_clock.h"

namespace ferrite {

CommandRecorder::CommandRecorder(Worker& worker) : worker_(worker) {}

void CommandRecorder::Ran(const CommandSpec& command, std::span<const std::string_view> args,
                          int db, std::string_view peer) {
  Server& server = worker_.server();
  if (!server.monitors_attached()) return;
  if (command.flags & (kCmdAdmin | kCmdSkipMonitor)) return;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t micros = int64_t{now.tv_sec} * 1'000'000 + now.tv_nsec / 1000;
  std::string line = FormatMonitorLine(micros, db, peer, args, command.redact);
  for (size_t i = 0; i < server.worker_count(); ++i) {
    if (server.worker(i).monitor_count() > 0) monitor_feed_.Add(i, line);
  }
}

bool CommandRecorder::SlowlogEnabled() const {
  return worker_.config().slowlog_log_slower_than >= 0;
}

void CommandRecorder::Finished(const CommandSpec& command, uint64_t duration_ticks,
                               std::span<const std::string_view> args, const SlowlogArgs& kept,
                               const ClientSession& session, std::string_view peer) {
  const ServerConfig& config = worker_.config();
  // Redis measures in microseconds and records the histogram from them.
  const int64_t micros = static_cast<int64_t>(CycleClock::ToMicros(duration_ticks));
  if (config.latency_tracking) {
    CommandCounters& counters = worker_.stats().command(command.index);
    counters.latency_buckets[LatencyBucketOf(static_cast<uint64_t>(micros) * 1000)].Add();
  }
  const int64_t millis = micros / 1000;
  if (config.latency_monitor_threshold > 0 && millis >= config.latency_monitor_threshold) {
    worker_.server().latency_monitor().AddSample(
        (command.flags & kCmdFast) ? "fast-command" : "command", millis, time(nullptr));
  }
  if (config.slowlog_log_slower_than < 0 || micros < config.slowlog_log_slower_than ||
      (command.flags & kCmdSkipSlowlog)) {
    return;
  }
  SlowlogEntry entry;
  entry.unix_time = time(nullptr);
  entry.duration_us = micros;
  entry.argv = args.empty() ? kept.ToArgv() : SlowlogArgv(args, command.redact);
  entry.peer = std::string(peer);
  entry.client_name = session.name;
  worker_.server().slow_log().Push(std::move(entry), config.slowlog_max_len);
}

void CommandRecorder::FlushMonitorLines() {
  Server& server = worker_.server();
  monitor_feed_.Flush([&server](size_t index, std::string text) {
    Worker& target = server.worker(index);
    target.loop().Post([&target, text = std::move(text)] { target.DeliverMonitorText(text); });
  });
}

}  // namespace ferrite
