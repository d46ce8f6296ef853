#include "process_timer.h"

#include <sys/resource.h>

namespace ferrite::iobench {

double ProcessTimer::CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void ProcessTimer::Start() {
  cpu_start_ = CpuSeconds();
  wall_start_ = std::chrono::steady_clock::now();
}

void ProcessTimer::Stop() {
  wall_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  cpu_seconds_ = CpuSeconds() - cpu_start_;
}

}  // namespace ferrite::iobench
