// Wall-clock and CPU time of one measured phase: the whole process's CPU time
// (getrusage: every thread, the I/O engine's workers and io_uring's kernel workers
// included) and the share of it that the Db's shard threads used.
#pragma once

#include <chrono>

namespace ferrite::bench {

struct PhaseTimes {
  double wall_seconds = 0;
  double cpu_seconds = 0;        // the process
  double shard_cpu_seconds = 0;  // threads named "ferrite-shard*"
};

class PhaseTimer {
 public:
  void Start();
  PhaseTimes Stop() const;

 private:
  std::chrono::steady_clock::time_point wall_start_;
  double cpu_start_ = 0;
  double shard_cpu_start_ = 0;
};

}  // namespace ferrite::bench
