// The record format of the HybridLog (ADR 0008, decision 3). A record is 8-byte aligned:
//
//   word 0   header: previous address (bits 0-47), tombstone (48), invalid (49),
//            has-expiry (50), value kind (51-52); bits 53-63 are reserved and zero
//   word 1   lengths: key length (bits 0-31), value length (bits 32-63)
//   word 2   expiry, Unix milliseconds (int64), only when has-expiry is set
//   ...      key bytes, value bytes, then zero padding to a multiple of 8
//
// The words are little-endian uint64_t values read and written with memcpy, so a record
// can be parsed from any byte buffer; RecordView::Parse checks every length against the
// bytes it was given, so corrupt data is rejected, never read past.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "ferrite/status.h"
#include "storage/log_address.h"

namespace ferrite {

static_assert(std::endian::native == std::endian::little,
              "the log format is little-endian and stored as native words");

enum class ValueKind : uint8_t {
  kBytes = 0,   // the value is the bytes that follow the key
  kObject = 1,  // a collection: a pointer to a live object in memory, serialized on disk
};

// Word 0 of a record. A plain value type: the log stores header() words, and in-memory
// updates (setting invalid, relinking previous) rewrite the whole word.
class RecordHeader {
 public:
  static constexpr uint32_t kTombstoneBit = 48;
  static constexpr uint32_t kInvalidBit = 49;
  static constexpr uint32_t kHasExpiryBit = 50;
  static constexpr uint32_t kValueKindShift = 51;
  static constexpr uint64_t kValueKindMask = 0x3;
  static constexpr uint64_t kPreviousMask = kMaxAddress;
  // Bits a valid header never sets (reserved for later format versions).
  static constexpr uint64_t kReservedMask = ~uint64_t{0} << 53;

  constexpr RecordHeader() = default;
  constexpr explicit RecordHeader(uint64_t word) : word_(word) {}

  constexpr uint64_t word() const { return word_; }
  constexpr LogAddress previous_address() const { return word_ & kPreviousMask; }
  constexpr bool tombstone() const { return Bit(kTombstoneBit); }
  constexpr bool invalid() const { return Bit(kInvalidBit); }
  constexpr bool has_expiry() const { return Bit(kHasExpiryBit); }
  // The raw 2-bit kind; only kBytes and kObject are defined.
  constexpr uint32_t value_kind_bits() const {
    return static_cast<uint32_t>((word_ >> kValueKindShift) & kValueKindMask);
  }
  constexpr ValueKind value_kind() const { return static_cast<ValueKind>(value_kind_bits()); }
  constexpr bool reserved_bits_clear() const { return (word_ & kReservedMask) == 0; }

  // REQUIRES: previous <= kMaxAddress
  constexpr RecordHeader with_previous_address(LogAddress previous) const {
    return RecordHeader((word_ & ~kPreviousMask) | (previous & kPreviousMask));
  }
  constexpr RecordHeader with_tombstone(bool on) const { return WithBit(kTombstoneBit, on); }
  constexpr RecordHeader with_invalid(bool on) const { return WithBit(kInvalidBit, on); }
  constexpr RecordHeader with_has_expiry(bool on) const { return WithBit(kHasExpiryBit, on); }
  constexpr RecordHeader with_value_kind(ValueKind kind) const {
    return RecordHeader((word_ & ~(kValueKindMask << kValueKindShift)) |
                        ((static_cast<uint64_t>(kind) & kValueKindMask) << kValueKindShift));
  }

  constexpr bool operator==(const RecordHeader&) const = default;

 private:
  constexpr bool Bit(uint32_t bit) const { return ((word_ >> bit) & 1) != 0; }
  constexpr RecordHeader WithBit(uint32_t bit, bool on) const {
    return RecordHeader(on ? word_ | (uint64_t{1} << bit) : word_ & ~(uint64_t{1} << bit));
  }

  uint64_t word_ = 0;
};

static_assert(sizeof(RecordHeader) == 8);
static_assert((RecordHeader::kPreviousMask & RecordHeader::kReservedMask) == 0);
static_assert(RecordHeader().with_value_kind(ValueKind::kObject).with_tombstone(true).word() ==
              (uint64_t{1} << 51 | uint64_t{1} << 48));
static_assert(RecordHeader()
                  .with_previous_address(kMaxAddress)
                  .with_invalid(true)
                  .with_has_expiry(true)
                  .with_value_kind(ValueKind::kObject)
                  .reserved_bits_clear());

// Word 1 of a record.
class RecordLengths {
 public:
  constexpr RecordLengths() = default;
  constexpr explicit RecordLengths(uint64_t word) : word_(word) {}
  constexpr RecordLengths(uint32_t key_length, uint32_t value_length)
      : word_(uint64_t{key_length} | uint64_t{value_length} << 32) {}

  constexpr uint64_t word() const { return word_; }
  constexpr uint32_t key_length() const { return static_cast<uint32_t>(word_); }
  constexpr uint32_t value_length() const { return static_cast<uint32_t>(word_ >> 32); }

 private:
  uint64_t word_ = 0;
};

static_assert(sizeof(RecordLengths) == 8);
static_assert(RecordLengths(3, 5).key_length() == 3 && RecordLengths(3, 5).value_length() == 5);

inline constexpr size_t kRecordAlignment = 8;
inline constexpr size_t kRecordHeaderOffset = 0;
inline constexpr size_t kRecordLengthsOffset = 8;
inline constexpr size_t kRecordExpiryOffset = 16;
// Header and lengths words: the smallest record (empty key and value, no expiry).
inline constexpr size_t kRecordFixedSize = 16;
inline constexpr size_t kRecordExpirySize = 8;

constexpr uint64_t AlignRecordSize(uint64_t size) {
  return (size + kRecordAlignment - 1) & ~uint64_t{kRecordAlignment - 1};
}

// Offset of the key from the start of the record.
constexpr size_t RecordKeyOffset(bool has_expiry) {
  return kRecordFixedSize + (has_expiry ? kRecordExpirySize : 0);
}

// Bytes the record takes in the log, padding included. 64-bit arithmetic: two 32-bit
// lengths can't overflow it.
constexpr uint64_t RecordSize(uint64_t key_length, uint64_t value_length, bool has_expiry) {
  return AlignRecordSize(RecordKeyOffset(has_expiry) + key_length + value_length);
}

static_assert(RecordSize(0, 0, false) == 16);
static_assert(RecordSize(1, 0, false) == 24);
static_assert(RecordSize(3, 5, false) == 24);
static_assert(RecordSize(3, 5, true) == 32);
static_assert(RecordSize(0xFFFF'FFFF, 0xFFFF'FFFF, true) == 24 + 0x2'0000'0000ull);

// Flags of a record being written.
struct RecordFlags {
  bool tombstone = false;
  bool invalid = false;
  ValueKind value_kind = ValueKind::kBytes;
};

// A read-only view of one record inside a buffer (a page in memory or bytes read from
// disk). Borrowed: the buffer must outlive the view. Only Parse() makes one, so every
// view's key and value lie inside the bytes it was parsed from.
class RecordView {
 public:
  // Checks that `bytes` (starting at the record) hold a whole record, padding included,
  // with no reserved header bits and a defined value kind. Corruption otherwise, saying
  // what is wrong; never reads outside `bytes`.
  static Result<RecordView> Parse(std::span<const std::byte> bytes);

  RecordHeader header() const { return header_; }
  LogAddress previous_address() const { return header_.previous_address(); }
  bool tombstone() const { return header_.tombstone(); }
  bool invalid() const { return header_.invalid(); }
  bool has_expiry() const { return header_.has_expiry(); }
  ValueKind value_kind() const { return header_.value_kind(); }
  // Unix milliseconds, when the record has an expiry.
  std::optional<int64_t> expiry() const {
    if (!has_expiry()) return std::nullopt;
    int64_t ms;
    std::memcpy(&ms, data_ + kRecordExpiryOffset, sizeof(ms));
    return ms;
  }
  uint32_t key_length() const { return lengths_.key_length(); }
  uint32_t value_length() const { return lengths_.value_length(); }
  std::string_view key() const {
    return {reinterpret_cast<const char*>(data_) + RecordKeyOffset(has_expiry()), key_length()};
  }
  std::string_view value() const {
    return {reinterpret_cast<const char*>(data_) + RecordKeyOffset(has_expiry()) + key_length(),
            value_length()};
  }
  // Bytes the record takes, padding included: the next record starts this far on.
  uint64_t size() const { return RecordSize(key_length(), value_length(), has_expiry()); }
  const std::byte* data() const { return data_; }

 private:
  RecordView(const std::byte* data, RecordHeader header, RecordLengths lengths)
      : data_(data), header_(header), lengths_(lengths) {}

  const std::byte* data_;
  RecordHeader header_;
  RecordLengths lengths_;
};

// Writes a record at the start of `dest`, padding zeroed, and returns its size
// (RecordSize()). InvalidArgument when `dest` is too small, a length exceeds 32 bits or
// `previous` exceeds kMaxAddress; nothing is written then.
Result<size_t> WriteRecord(std::span<std::byte> dest, LogAddress previous, std::string_view key,
                           std::string_view value, std::optional<int64_t> expiry_ms = std::nullopt,
                           RecordFlags flags = {});

}  // namespace ferrite
