#include "storage/record.h"

#include <string>

namespace ferrite {
namespace {

uint64_t LoadWord(const std::byte* at) {
  uint64_t word;
  std::memcpy(&word, at, sizeof(word));
  return word;
}

void StoreWord(std::byte* at, uint64_t word) { std::memcpy(at, &word, sizeof(word)); }

}  // namespace

Result<RecordView> RecordView::Parse(std::span<const std::byte> bytes) {
  if (bytes.size() < kRecordFixedSize) {
    return Status::Corruption("record header needs " + std::to_string(kRecordFixedSize) +
                              " bytes, " + std::to_string(bytes.size()) + " left");
  }
  RecordHeader header(LoadWord(bytes.data() + kRecordHeaderOffset));
  RecordLengths lengths(LoadWord(bytes.data() + kRecordLengthsOffset));
  if (!header.reserved_bits_clear()) {
    return Status::Corruption("record header has reserved bits set");
  }
  if (header.value_kind_bits() > static_cast<uint32_t>(ValueKind::kObject)) {
    return Status::Corruption("record has unknown value kind " +
                              std::to_string(header.value_kind_bits()));
  }
  // Cannot overflow: both lengths are 32-bit.
  uint64_t size = RecordSize(lengths.key_length(), lengths.value_length(), header.has_expiry());
  if (size > bytes.size()) {
    return Status::Corruption("record of " + std::to_string(size) + " bytes (key " +
                              std::to_string(lengths.key_length()) + ", value " +
                              std::to_string(lengths.value_length()) + ") runs past the " +
                              std::to_string(bytes.size()) + " bytes left");
  }
  return RecordView(bytes.data(), header, lengths);
}

Result<size_t> WriteRecord(std::span<std::byte> dest, LogAddress previous, std::string_view key,
                           std::string_view value, std::optional<int64_t> expiry_ms,
                           RecordFlags flags) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) {
    return Status::InvalidArgument("record key or value longer than 4 GiB");
  }
  if (previous > kMaxAddress) {
    return Status::InvalidArgument("previous address " + std::to_string(previous) +
                                   " exceeds 48 bits");
  }
  bool has_expiry = expiry_ms.has_value();
  uint64_t size = RecordSize(key.size(), value.size(), has_expiry);
  if (size > dest.size()) {
    return Status::InvalidArgument("record of " + std::to_string(size) + " bytes does not fit in " +
                                   std::to_string(dest.size()));
  }
  RecordHeader header = RecordHeader()
                            .with_previous_address(previous)
                            .with_tombstone(flags.tombstone)
                            .with_invalid(flags.invalid)
                            .with_has_expiry(has_expiry)
                            .with_value_kind(flags.value_kind);
  std::byte* out = dest.data();
  StoreWord(out + kRecordHeaderOffset, header.word());
  StoreWord(
      out + kRecordLengthsOffset,
      RecordLengths(static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())).word());
  if (has_expiry) StoreWord(out + kRecordExpiryOffset, static_cast<uint64_t>(*expiry_ms));
  size_t at = RecordKeyOffset(has_expiry);
  if (!key.empty()) std::memcpy(out + at, key.data(), key.size());
  at += key.size();
  if (!value.empty()) std::memcpy(out + at, value.data(), value.size());
  at += value.size();
  // Padding is zeroed so that page checksums never depend on stale memory.
  std::memset(out + at, 0, size - at);
  return static_cast<size_t>(size);
}

}  // namespace ferrite
