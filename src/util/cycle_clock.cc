#include "util/cycle_clock.h"

#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace ferrite {
namespace {

uint64_t MonotonicNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

#if defined(__x86_64__)
// Ticks per microsecond, measured once against CLOCK_MONOTONIC over 20 ms. Current
// x86-64 CPUs have an invariant TSC (constant rate, synchronized across cores). The
// readings only feed statistics: on a CPU without one, latency figures would be skewed,
// never the server's behaviour.
double MeasureTicksPerMicro() {
  uint64_t start_ns = MonotonicNanos();
  uint64_t start_ticks = __rdtsc();
  uint64_t now_ns;
  do {
    now_ns = MonotonicNanos();
  } while (now_ns - start_ns < 20'000'000);
  uint64_t ticks = __rdtsc() - start_ticks;
  return static_cast<double>(ticks) * 1000.0 / static_cast<double>(now_ns - start_ns);
}
#endif

}  // namespace

uint64_t CycleClock::Now() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return MonotonicNanos();
#endif
}

#if defined(__x86_64__)
namespace {
double TicksPerMicro() {
  static const double kTicksPerMicro = MeasureTicksPerMicro();
  return kTicksPerMicro;
}
}  // namespace
#endif

uint64_t CycleClock::ToMicros(uint64_t ticks) {
#if defined(__x86_64__)
  return static_cast<uint64_t>(static_cast<double>(ticks) / TicksPerMicro());
#else
  return ticks / 1000;
#endif
}

uint64_t CycleClock::ToNanos(uint64_t ticks) {
#if defined(__x86_64__)
  return static_cast<uint64_t>(static_cast<double>(ticks) * 1000.0 / TicksPerMicro());
#else
  return ticks;
#endif
}

}  // namespace ferrite
