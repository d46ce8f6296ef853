// Zipfian key ranks as YCSB draws them (Gray et al., "Quickly generating billion-record
// synthetic databases", SIGMOD 1994), scrambled over the key space: rank 0 is the
// hottest key, but the hot keys land anywhere, not at the start of the key space (where
// they would share log pages and hash buckets and flatter any cache).
#pragma once

#include <cstdint>

#include "util/split_mix64.h"

namespace ferrite::bench {

class ZipfianGenerator {
 public:
  static constexpr double kDefaultTheta = 0.99;

  // Computes zeta(n, theta) once: O(n), about 20 ms per million keys. The generator is
  // immutable afterwards, so threads share it, each drawing with its own SplitMix64.
  // REQUIRES: n >= 2, 0 < theta < 1
  explicit ZipfianGenerator(uint64_t n, double theta = kDefaultTheta);

  // A key index in [0, n): a Zipfian rank mapped through a fixed permutation.
  uint64_t Next(SplitMix64& random) const { return Scramble(Rank(random)); }

  // The Zipfian rank itself, 0 being the most frequent.
  uint64_t Rank(SplitMix64& random) const;
  // A bijection of [0, n): rank * multiplier mod n, with the multiplier coprime to n.
  uint64_t Scramble(uint64_t rank) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(rank) * multiplier_) % n_);
  }

 private:
  uint64_t n_;
  double theta_;
  double zeta_n_;
  double alpha_;
  double eta_;
  double half_pow_theta_;
  uint64_t multiplier_;
};

}  // namespace ferrite::bench
