// splitmix64: fast, and every seed gives a full-period, well-mixed sequence, so each user
// (a benchmark's queue slot, a slice of a run) can own a generator seeded apart and a run
// repeats exactly for a given seed.
#pragma once

#include <cstdint>

namespace ferrite {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound) without the bias of a modulo (Lemire's multiply-shift).
  // REQUIRES: bound > 0
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }

  // Uniform in [0, 1), from the top 53 bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace ferrite
