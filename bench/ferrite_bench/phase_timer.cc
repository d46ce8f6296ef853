#include "phase_timer.h"

#include <sys/resource.h>

#include "thread_cpu.h"

namespace ferrite::bench {
namespace {

// The Db names its shard threads so; the thread-pool engine's workers are started by a
// shard thread and inherit its name, so they count as the shard's.
constexpr char kShardThreadPrefix[] = "ferrite-shard";

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

void PhaseTimer::Start() {
  shard_cpu_start_ = ThreadCpuSeconds(kShardThreadPrefix);
  cpu_start_ = ProcessCpuSeconds();
  wall_start_ = std::chrono::steady_clock::now();
}

PhaseTimes PhaseTimer::Stop() const {
  PhaseTimes times;
  times.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  times.cpu_seconds = ProcessCpuSeconds() - cpu_start_;
  times.shard_cpu_seconds = ThreadCpuSeconds(kShardThreadPrefix) - shard_cpu_start_;
  return times;
}

}  // namespace ferrite::bench
