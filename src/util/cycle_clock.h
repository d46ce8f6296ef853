// A cheap monotonic clock for measuring short durations on hot paths (per-command
// latency statistics): the CPU's time-stamp counter where it is invariant (x86-64),
// clock_gettime elsewhere. Reading it costs a few nanoseconds instead of the tens a
// clock_gettime call costs, which matters at a million commands per second.
#pragma once

#include <cstdint>

namespace ferrite {

class CycleClock {
 public:
  // An opaque tick count; only differences between two readings mean something.
  static uint64_t Now();
  // Converts a difference of ticks to microseconds.
  static uint64_t ToMicros(uint64_t ticks);
  static uint64_t ToNanos(uint64_t ticks);
};

}  // namespace ferrite
