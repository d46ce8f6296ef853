// The 64-bit hash of a key that places it in a shard's hash index: its low bits pick the
// bucket, its top 15 bits are the tag (ADR 0008). XXH3: fast on short keys, and stable
// across runs and machines, which the on-disk index snapshot relies on.
#pragma once

#include <cstdint>
#include <string_view>

namespace ferrite {

uint64_t HashKey(std::string_view key);

}  // namespace ferrite
