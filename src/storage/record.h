// The record format of the HybridLog (ADR 0008, decision 3). A record is 8-byte aligned:
//
//   bytes 0-7    header word: previous address (bits 0-47), tombstone (48), invalid (49),
//                has-expiry (50), value kind (51-52), key length (53-63, 11 bits;
//                kLongKey means the key length is in the long-key field)
//   bytes 8-11   value length (u32)
//   bytes 12-15  long-key field: the key length (u32), only for keys of kLongKey bytes
//                or more
//   next 8       expiry, Unix milliseconds (int64), only when has-expiry is set
//   ...          key bytes, value bytes, then zero padding to a multiple of 8
//
// Keys shorter than 2047 bytes (nearly all) take 12 bytes of header and lengths, so a
// 14-byte key with a 100-byte value fills 128 bytes. Fields are little-endian and read
// and written with memcpy, so a record can be parsed from any byte buffer at any
// alignment; RecordView::Parse checks every length against the bytes it was given, so
// corrupt data is rejected, never read past.
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
  static constexpr uint32_t kKeyLengthShift = 53;
  static constexpr uint64_t kKeyLengthMask = 0x7FF;
  // The key-length field's value for keys this long or longer: the length is then in
  // the record's long-key field.
  static constexpr uint32_t kLongKey = 0x7FF;
  static constexpr uint64_t kPreviousMask = kMaxAddress;

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
  // The key length, or kLongKey.
  constexpr uint32_t key_length_field() const {
    return static_cast<uint32_t>((word_ >> kKeyLengthShift) & kKeyLengthMask);
  }
  constexpr bool long_key() const { return key_length_field() == kLongKey; }

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
  // Sets the field for a key of `length` bytes: the length, or kLongKey.
  constexpr RecordHeader with_key_length(uint64_t length) const {
    const uint64_t field = length >= kLongKey ? kLongKey : length;
    return RecordHeader((word_ & ~(kKeyLengthMask << kKeyLengthShift)) |
                        (field << kKeyLengthShift));
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
static_assert(RecordHeader().with_value_kind(ValueKind::kObject).with_tombstone(true).word() ==
              (uint64_t{1} << 51 | uint64_t{1} << 48));
static_assert(RecordHeader().with_key_length(14).key_length_field() == 14);
static_assert(RecordHeader().with_key_length(2047).long_key());
static_assert(RecordHeader().with_key_length(1 << 20).long_key());
static_assert(
    RecordHeader().with_previous_address(kMaxAddress).with_key_length(2046).previous_address() ==
    kMaxAddress);

inline constexpr size_t kRecordAlignment = 8;
inline constexpr size_t kRecordHeaderOffset = 0;
inline constexpr size_t kRecordValueLengthOffset = 8;
inline constexpr size_t kRecordLongKeyLengthOffset = 12;
// Header word and value length.
inline constexpr size_t kRecordLengthsEnd = 12;
inline constexpr size_t kRecordLongKeySize = 4;
inline constexpr size_t kRecordExpirySize = 8;
// The smallest record (empty key and value, no expiry), padded.
inline constexpr size_t kRecordFixedSize = 16;
// Enough of a record's start to know its size (ParseRecordExtent).
inline constexpr size_t kRecordPrefixSize = 16;

constexpr uint64_t AlignRecordSize(uint64_t size) {
  return (size + kRecordAlignment - 1) & ~uint64_t{kRecordAlignment - 1};
}

constexpr bool IsLongKey(uint64_t key_length) { return key_length >= RecordHeader::kLongKey; }

// Offset of the expiry from the start of the record (when it has one).
constexpr size_t RecordExpiryOffset(uint64_t key_length) {
  return kRecordLengthsEnd + (IsLongKey(key_length) ? kRecordLongKeySize : 0);
}

// Offset of the key from the start of the record.
constexpr size_t RecordKeyOffset(uint64_t key_length, bool has_expiry) {
  return RecordExpiryOffset(key_length) + (has_expiry ? kRecordExpirySize : 0);
}

// Bytes the record takes in the log, padding included. 64-bit arithmetic: two 32-bit
// lengths can't overflow it.
constexpr uint64_t RecordSize(uint64_t key_length, uint64_t value_length, bool has_expiry) {
  return AlignRecordSize(RecordKeyOffset(key_length, has_expiry) + key_length + value_length);
}

static_assert(RecordSize(0, 0, false) == 16);
static_assert(RecordSize(1, 0, false) == 16);
static_assert(RecordSize(3, 5, false) == 24);
static_assert(RecordSize(3, 5, true) == 32);
static_assert(RecordSize(14, 100, false) == 128);
static_assert(RecordSize(2046, 0, false) == AlignRecordSize(12 + 2046));
static_assert(RecordSize(2047, 0, false) == AlignRecordSize(16 + 2047));
static_assert(RecordSize(0xFFFF'FFFF, 0xFFFF'FFFF, true) == 24 + 0x2'0000'0000ull);

// What the first kRecordPrefixSize bytes of a record say about it: enough to know its
// size and key length before the rest is read (a record read from disk in pieces).
struct RecordExtent {
  RecordHeader header;
  uint32_t key_length = 0;
  uint32_t value_length = 0;
  uint64_t size = 0;  // RecordSize(), padding included
};

// Corruption for an unknown value kind; reads only the first kRecordPrefixSize bytes.
// REQUIRES: prefix.size() >= kRecordPrefixSize (Corruption otherwise).
Result<RecordExtent> ParseRecordExtent(std::span<const std::byte> prefix);

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
  // with a defined value kind. Corruption otherwise, saying what is wrong; never reads
  // outside `bytes`.
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
    std::memcpy(&ms, data_ + RecordExpiryOffset(key_length_), sizeof(ms));
    return ms;
  }
  uint32_t key_length() const { return key_length_; }
  uint32_t value_length() const { return value_length_; }
  std::string_view key() const {
    return {reinterpret_cast<const char*>(data_) + RecordKeyOffset(key_length_, has_expiry()),
            key_length_};
  }
  std::string_view value() const {
    return {reinterpret_cast<const char*>(data_) + RecordKeyOffset(key_length_, has_expiry()) +
                key_length_,
            value_length_};
  }
  // Bytes the record takes, padding included: the next record starts this far on.
  uint64_t size() const { return RecordSize(key_length_, value_length_, has_expiry()); }
  const std::byte* data() const { return data_; }

 private:
  RecordView(const std::byte* data, const RecordExtent& extent)
      : data_(data),
        header_(extent.header),
        key_length_(extent.key_length),
        value_length_(extent.value_length) {}

  const std::byte* data_;
  RecordHeader header_;
  uint32_t key_length_;
  uint32_t value_length_;
};

// Writes a record at the start of `dest`, padding zeroed, and returns its size
// (RecordSize()). InvalidArgument when `dest` is too small, a length exceeds 32 bits or
// `previous` exceeds kMaxAddress; nothing is written then. The header's key length
// always matches the key, whatever `flags` says.
Result<size_t> WriteRecord(std::span<std::byte> dest, LogAddress previous, std::string_view key,
                           std::string_view value, std::optional<int64_t> expiry_ms = std::nullopt,
                           RecordFlags flags = {});

}  // namespace ferrite
