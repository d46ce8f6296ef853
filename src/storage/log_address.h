// Logical addresses of the HybridLog (ADR 0008, decisions 2 and 4): 48-bit byte offsets
// into an endless log, cut into power-of-two pages, and pages grouped into segment files.
// Everything here is constexpr arithmetic; LogGeometry is the one place sizes are checked.
#pragma once

#include <cstdint>
#include <string>

#include "ferrite/status.h"

namespace ferrite {

// A byte offset into one shard's log. 0 means "no record" (the end of a hash chain):
// page 0 starts with its header, so no record ever lives at address 0.
using LogAddress = uint64_t;

inline constexpr uint32_t kLogAddressBits = 48;
inline constexpr LogAddress kInvalidAddress = 0;
inline constexpr LogAddress kMaxAddress = (LogAddress{1} << kLogAddressBits) - 1;

static_assert(kMaxAddress == 0x0000'FFFF'FFFF'FFFFull);

constexpr bool IsValidAddress(LogAddress address) {
  return address != kInvalidAddress && address <= kMaxAddress;
}

// ---- Page math. REQUIRES: page_bits is a LogGeometry page size's exponent.

constexpr uint64_t PageOf(LogAddress address, uint32_t page_bits) { return address >> page_bits; }
constexpr uint64_t OffsetInPage(LogAddress address, uint32_t page_bits) {
  return address & ((uint64_t{1} << page_bits) - 1);
}
constexpr LogAddress PageStart(uint64_t page_number, uint32_t page_bits) {
  return page_number << page_bits;
}

// ---- Segment math. REQUIRES: segment_bits is a LogGeometry segment size's exponent.

constexpr uint64_t SegmentOf(LogAddress address, uint32_t segment_bits) {
  return address >> segment_bits;
}
constexpr uint64_t OffsetInSegment(LogAddress address, uint32_t segment_bits) {
  return address & ((uint64_t{1} << segment_bits) - 1);
}
constexpr LogAddress SegmentStart(uint64_t segment_number, uint32_t segment_bits) {
  return segment_number << segment_bits;
}

static_assert(PageOf(0x12345, 12) == 0x12 && OffsetInPage(0x12345, 12) == 0x345);
static_assert(PageStart(PageOf(0x12345, 12), 12) == 0x12000);
static_assert(SegmentOf(0x12345, 14) == 0x4 && OffsetInSegment(0x12345, 14) == 0x2345);

// The sizes that cut a log into pages and segment files. Both are powers of two, and a
// segment holds a whole number of pages, so a page never straddles two files.
struct LogGeometry {
  static constexpr uint32_t kMinPageBits = 12;         // 4 KiB: the O_DIRECT unit everywhere
  static constexpr uint32_t kMaxPageBits = 26;         // 64 MiB: used lengths fit in 32 bits
  static constexpr uint32_t kDefaultPageBits = 20;     // 1 MiB
  static constexpr uint32_t kDefaultSegmentBits = 26;  // 64 MiB
  // A segment is at most 1 TiB, so a log has at least 256 segment numbers.
  static constexpr uint32_t kMaxSegmentBits = 40;

  uint32_t page_bits = kDefaultPageBits;
  uint32_t segment_bits = kDefaultSegmentBits;

  // InvalidArgument naming the bad size, or OK.
  Status Validate() const;
  // A validated geometry from byte sizes (each a power of two).
  static Result<LogGeometry> FromSizes(uint64_t page_size, uint64_t segment_size);

  constexpr uint64_t page_size() const { return uint64_t{1} << page_bits; }
  constexpr uint64_t segment_size() const { return uint64_t{1} << segment_bits; }
  constexpr uint64_t pages_per_segment() const { return uint64_t{1} << (segment_bits - page_bits); }
  // The highest page number whose every byte is addressable.
  constexpr uint64_t max_page() const { return kMaxAddress >> page_bits; }

  constexpr uint64_t page_of(LogAddress address) const { return PageOf(address, page_bits); }
  constexpr uint64_t offset_in_page(LogAddress address) const {
    return OffsetInPage(address, page_bits);
  }
  constexpr LogAddress page_start(uint64_t page_number) const {
    return PageStart(page_number, page_bits);
  }
  constexpr uint64_t segment_of(LogAddress address) const {
    return SegmentOf(address, segment_bits);
  }
  constexpr uint64_t offset_in_segment(LogAddress address) const {
    return OffsetInSegment(address, segment_bits);
  }
  constexpr LogAddress segment_start(uint64_t segment_number) const {
    return SegmentStart(segment_number, segment_bits);
  }
  constexpr uint64_t segment_of_page(uint64_t page_number) const {
    return page_number >> (segment_bits - page_bits);
  }

  std::string ToString() const;  // "page=4096 segment=16384"
};

static_assert(LogGeometry{}.page_size() == 1 << 20);
static_assert(LogGeometry{}.segment_size() == 64 << 20);
static_assert(LogGeometry{}.pages_per_segment() == 64);
static_assert(LogGeometry{12, 14}.segment_of_page(5) == 1);

}  // namespace ferrite
