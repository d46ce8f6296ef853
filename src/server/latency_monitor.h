// LATENCY's event series: for each named event ("command", "fast-command"), the worst
// latency of each second in which the event passed latency-monitor-threshold, the last
// 160 such seconds, and the worst latency ever seen. Shared by the worker threads under
// a mutex: a sample is added only for a command slower than the threshold (ADR 0013).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/server_diagnostics.h"

namespace ferrite {

// Thread-safe.
class LatencyMonitor {
 public:
  // Redis's LATENCY_TS_LEN.
  static constexpr size_t kSamplesPerEvent = 160;

  // Records `latency_ms` for `event` at `unix_time`: a new sample, or, within the
  // second of the newest sample, that sample raised to the worse of the two.
  void AddSample(std::string_view event, int64_t latency_ms, int64_t unix_time);
  // Every event's series, ordered by name.
  std::vector<LatencyEventSeries> Events() const;
  // Forgets the named events, or all when `events` is empty. Returns how many of the
  // named events existed (a name given twice counts once).
  size_t Reset(std::span<const std::string_view> events);

 private:
  struct Series {
    std::array<LatencySample, kSamplesPerEvent> ring{};  // unix_time 0: unused
    size_t next = 0;  // where the next sample goes; the newest is just before it
    int64_t max_ms = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::string, Series, std::less<>> events_;  // guarded by mutex_
};

}  // namespace ferrite
