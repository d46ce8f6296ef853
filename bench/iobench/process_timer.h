// Wall-clock and CPU time of the whole process over one measured stretch. CPU time is
// getrusage(RUSAGE_SELF), user plus system, which covers every thread of the process:
// the thread pool's workers and io_uring's kernel workers (io-wq, the SQPOLL thread) are
// threads of the process, so what an engine offloads is counted too.
#pragma once

#include <chrono>

namespace ferrite::iobench {

class ProcessTimer {
 public:
  void Start();
  void Stop();

  double wall_seconds() const { return wall_seconds_; }
  double cpu_seconds() const { return cpu_seconds_; }

 private:
  static double CpuSeconds();

  std::chrono::steady_clock::time_point wall_start_;
  double cpu_start_ = 0;
  double wall_seconds_ = 0;
  double cpu_seconds_ = 0;
};

}  // namespace ferrite::iobench
