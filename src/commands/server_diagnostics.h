// What the diagnostics commands (SLOWLOG, LATENCY, DEBUG) read from the server: slow log
// entries, latency event series and per-command latency distributions, as plain values
// copied out of the server's shared state.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ferrite {

// Who may run a protected command (enable-debug-command): nobody, everybody, or
// clients connected from the loopback address.
enum class ProtectedCommandAccess : uint8_t { kNo, kYes, kLocal };

struct SlowlogEntry {
  uint64_t id = 0;  // server-wide, increasing
  int64_t unix_time = 0;
  int64_t duration_us = 0;
  // The arguments as logged: at most 32, each at most 128 bytes plus a note of what was
  // cut, secrets redacted.
  std::vector<std::string> argv;
  std::string peer;  // "ip:port"
  std::string client_name;
};

struct LatencySample {
  int64_t unix_time = 0;
  int64_t latency_ms = 0;
};

// One latency event's samples (at most one per second, the worst of that second),
// oldest first, and the worst latency seen since the event was created or reset.
struct LatencyEventSeries {
  std::string name;
  std::vector<LatencySample> samples;
  int64_t max_ms = 0;
};

// A command's latency distribution as LATENCY HISTOGRAM reports it: the number of
// calls and, for each power-of-two bucket that holds calls, its upper bound in
// microseconds and the number of calls at or below it.
struct CommandLatencyReport {
  uint64_t calls = 0;
  std::vector<std::pair<uint64_t, uint64_t>> cumulative;  // (bound_us, calls <= bound)
};

}  // namespace ferrite
