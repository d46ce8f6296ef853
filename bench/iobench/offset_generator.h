// Seeded random numbers and block-aligned random offsets. Each slice of a row draws from
// its own seed, so a run can be repeated exactly and no engine reads the blocks another
// engine has just warmed in a cache below the guest (the host's).
#pragma once

#include <cstdint>

#include "util/split_mix64.h"

namespace ferrite::iobench {

// Offsets of whole blocks, uniform over the file (with replacement, like fio's
// norandommap).
class OffsetGenerator {
 public:
  // REQUIRES: file_size >= block
  OffsetGenerator(uint64_t seed, uint64_t file_size, uint64_t block = 4096)
      : random_(seed), blocks_(file_size / block), block_(block) {}

  uint64_t Next() { return (random_.Next() % blocks_) * block_; }

 private:
  SplitMix64 random_;
  uint64_t blocks_;
  uint64_t block_;
};

}  // namespace ferrite::iobench
