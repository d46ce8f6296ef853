// The page header of the HybridLog (ADR 0008, decision 2) and what is done with it:
// sealing a page before it is flushed, verifying one read back, and walking its records.
//
// Header layout (64 bytes, little-endian words at the start of every page):
//
//   offset  0  u64  magic "FRTLOGPG"
//   offset  8  u32  format version (kLogPageFormatVersion)
//   offset 12  u32  flags, reserved, 0
//   offset 16  u64  page number (the page's address >> page_bits)
//   offset 24  u32  used length: bytes from the page start to the end of its last record
//   offset 28  u32  index bucket bits: log2 of the hash index's bucket count when the
//                   page was sealed. Every record of the page was linked into its hash
//                   chain under a table no larger, so recovery sizes its index at least
//                   this fine (ADR 0008, decision 6); 0 when unknown.
//   offset 32  u64  checksum: XXH3-64 of bytes [0, 32) followed by [40, used length)
//   offset 40       reserved, 0, up to 64
//
// The checksum covers every used byte but its own, so a flipped bit anywhere in the
// header or the records, a torn write and a truncated file are all caught.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ferrite/status.h"
#include "storage/log_address.h"
#include "storage/record.h"

namespace ferrite {

inline constexpr size_t kPageHeaderSize = 64;
inline constexpr uint64_t kLogPageMagic = 0x4750'474F'4C54'5246ull;  // "FRTLOGPG" on disk
inline constexpr uint32_t kLogPageFormatVersion = 2;                 // 2: 12-byte record headers

inline constexpr size_t kPageMagicOffset = 0;
inline constexpr size_t kPageVersionOffset = 8;
inline constexpr size_t kPageFlagsOffset = 12;
inline constexpr size_t kPageNumberOffset = 16;
inline constexpr size_t kPageUsedLengthOffset = 24;
inline constexpr size_t kPageIndexBitsOffset = 28;
inline constexpr size_t kPageChecksumOffset = 32;
inline constexpr size_t kPageChecksumEnd = 40;

static_assert(kPageChecksumEnd <= kPageHeaderSize);
static_assert(kPageHeaderSize % kRecordAlignment == 0, "records start 8-aligned");
static_assert(LogGeometry::kMaxPageBits <= 32, "used length is a u32");

// The most bytes one record can take in a page of `page_size`.
constexpr uint64_t MaxRecordSizeInPage(uint64_t page_size) { return page_size - kPageHeaderSize; }

// The fields of a page header, decoded.
struct PageHeader {
  uint64_t magic = 0;
  uint32_t format_version = 0;
  uint32_t flags = 0;
  uint64_t page_number = 0;
  uint32_t used_length = 0;
  uint32_t index_bucket_bits = 0;
  uint64_t checksum = 0;
};

// Decodes the header. REQUIRES: page.size() >= kPageHeaderSize.
PageHeader ReadPageHeader(std::span<const std::byte> page);

// The checksum the header of `page` should hold for `used_length`.
// REQUIRES: kPageHeaderSize <= used_length <= page.size().
uint64_t ComputePageChecksum(std::span<const std::byte> page, uint32_t used_length);

// Fills the header of `page` (the whole page buffer) for `page_number` with records in
// [kPageHeaderSize, used_length), zeroes the unused tail and sets the checksum; after
// this the page is ready to be written. InvalidArgument when used_length, the page's
// size or index_bucket_bits (at most 63) is out of range; the page is left untouched
// then.
Status SealPage(std::span<std::byte> page, uint64_t page_number, uint32_t used_length,
                uint32_t index_bucket_bits = 0);

// True when every byte of `page` is zero: a page never written (a hole or a preallocated
// range of a segment file), which is not corruption.
bool IsUnwrittenPage(std::span<const std::byte> page);

// Checks a whole page read back from disk. OK when it is sealed for
// `expected_page_number` and its checksum matches; NotFound when it was never written
// (IsUnwrittenPage); NotSupported for a format version this build does not know;
// Corruption naming the first problem: bad magic, used length out of range, wrong page
// number, checksum mismatch; NotSupported for non-zero reserved fields or index bits
// above 63 under a valid checksum (a newer writer).
Status VerifyPage(std::span<const std::byte> page, uint64_t expected_page_number);

// Walks the records of a verified page in address order. A record whose lengths run
// past the used length, or whose previous address does not point backwards, stops the
// walk with a Corruption status.
//
//   for (PageRecordIterator it(page, geometry); it.Valid(); it.Next()) { ... it.record() }
//   if (!it.status().ok()) ...
class PageRecordIterator {
 public:
  // REQUIRES: VerifyPage(page, page_number) returned OK, and `page` outlives the
  // iterator. `page_start` is the address of the page's first byte.
  PageRecordIterator(std::span<const std::byte> page, LogAddress page_start);

  bool Valid() const { return valid_; }
  // REQUIRES: Valid()
  const RecordView& record() const { return *record_; }
  LogAddress address() const { return page_start_ + offset_; }
  void Next();
  // OK while valid and at a clean end; the reason when a bad record stopped the walk.
  const Status& status() const { return status_; }

 private:
  void ParseAtOffset();

  std::span<const std::byte> used_;  // [0, used length) of the page
  LogAddress page_start_;
  uint64_t offset_ = kPageHeaderSize;
  std::optional<RecordView> record_;
  bool valid_ = false;
  Status status_;
};

}  // namespace ferrite
