// The hash index as a checkpoint stores it: the raw bucket tables behind a header, with
// a checksum over all of it, so that recovery restores the index without reading the
// log below the checkpoint (ADR 0009).
//
// Layout (little-endian):
//   offset  0  u64  magic "FRTINDEX"
//   offset  8  u32  format version (kIndexSnapshotFormatVersion)
//   offset 12  u32  reserved, 0
//   offset 16  u64  main table buckets (a power of two)
//   offset 24  u64  overflow pool buckets
//   offset 32       reserved, 0, up to 64
//   offset 64       the main table, then the overflow pool: 64-byte HashBuckets
//   last 8 bytes    XXH3-64 of every byte before them
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "storage/hash_index.h"

namespace ferrite {

inline constexpr uint64_t kIndexSnapshotMagic = 0x5845'444E'4954'5246ull;  // "FRTINDEX"
inline constexpr uint32_t kIndexSnapshotFormatVersion = 1;
inline constexpr size_t kIndexSnapshotHeaderSize = 64;
inline constexpr size_t kIndexSnapshotTrailerSize = 8;

// The snapshot bytes of `index`, ready to be written.
std::vector<std::byte> EncodeIndexSnapshot(const HashIndex& index);

// The index a snapshot holds. Corruption naming `file` (and what is wrong) for a short
// or oversized file, a bad magic, a checksum mismatch or damaged tables; NotSupported
// for another format version.
Result<HashIndex> DecodeIndexSnapshot(std::span<const std::byte> bytes, const std::string& file);

}  // namespace ferrite
