// SCAN's cursor: the shard in the top 16 bits and a log address of that shard in the low
// 48 (addresses are 48-bit, ADR 0008). Cursor 0 is shard 0 from its begin; a shard's
// address 0 means "from its begin", which no record has, so 0 is never a cursor in the
// middle of an iteration. A cursor stays valid while records move: an address below the
// shard's begin continues from the begin (LogStore::Scan).
#pragma once

#include <cstdint>

#include "storage/log_address.h"

namespace ferrite {

struct KeyspaceCursor {
  uint32_t shard = 0;
  LogAddress address = 0;
};

inline constexpr int kCursorShardShift = 48;

constexpr uint64_t EncodeKeyspaceCursor(KeyspaceCursor cursor) {
  return (uint64_t{cursor.shard} << kCursorShardShift) | (cursor.address & kMaxAddress);
}

constexpr KeyspaceCursor DecodeKeyspaceCursor(uint64_t cursor) {
  return {.shard = static_cast<uint32_t>(cursor >> kCursorShardShift),
          .address = cursor & kMaxAddress};
}

static_assert(kMaxAddress == (uint64_t{1} << kCursorShardShift) - 1,
              "the address fills the bits below the shard");
static_assert(DecodeKeyspaceCursor(EncodeKeyspaceCursor({.shard = 3, .address = 4160})).shard == 3);

}  // namespace ferrite
