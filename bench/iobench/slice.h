// One engine's share of one row in one round: what it is asked to do and what it
// measured. A row adds up its slices.
#pragma once

#include <cstdint>

#include "util/cycle_clock.h"
#include "util/latency_histogram.h"

namespace ferrite::iobench {

// How the benchmark's loop learns of completions: the engine's blocking Wait(), or an
// epoll loop on completion_fd() followed by Poll(), as the server's event loop would.
enum class Completion { kWait, kEpoll };

struct SliceSpec {
  int fd = -1;
  uint64_t file_size = 0;
  uint64_t seed = 0;
  double seconds = 1.0;
  uint64_t max_ops = 0;  // 0: no limit
  Completion completion = Completion::kWait;
};

struct SliceResult {
  LatencyHistogram latency;  // per I/O; per batch in the batch row
  uint64_t ops = 0;          // I/Os completed while measuring
  double wall_seconds = 0;
  double cpu_seconds = 0;

  void Add(const SliceResult& other) {
    latency.Merge(other.latency);
    ops += other.ops;
    wall_seconds += other.wall_seconds;
    cpu_seconds += other.cpu_seconds;
  }
};

// When a slice has done enough: its seconds are up or its I/Os are done.
class SliceBudget {
 public:
  explicit SliceBudget(const SliceSpec& spec)
      : nanos_(static_cast<uint64_t>(spec.seconds * 1e9)), max_ops_(spec.max_ops) {}
  void Start() { start_ticks_ = CycleClock::Now(); }
  bool Spent(uint64_t ops) const {
    if (max_ops_ != 0 && ops >= max_ops_) return true;
    return CycleClock::ToNanos(CycleClock::Now() - start_ticks_) >= nanos_;
  }

 private:
  uint64_t nanos_;
  uint64_t max_ops_;
  uint64_t start_ticks_ = 0;
};

}  // namespace ferrite::iobench
