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

Result<RecordExtent> ParseRecordExtent(std::span<const std::byte> prefix) {
  if (prefix.size() < kRecordPrefixSize) {
    return Status::Corruption("record header needs " + std::to_string(kRecordPrefixSize) +
                              " bytes, " + std::to_string(prefix.size()) + " left");
  }
  RecordExtent extent;
  extent.header = RecordHeader(LoadWord(prefix.data() + kRecordHeaderOffset));
  if (extent.header.value_kind_bits() > static_cast<uint32_t>(ValueKind::kObject)) {
    return Status::Corruption("record has unknown value kind " +
                              std::to_string(extent.header.value_kind_bits()));
  }
  std::memcpy(&extent.value_length, prefix.data() + kRecordValueLengthOffset, sizeof(uint32_t));
  if (extent.header.long_key()) {
    std::memcpy(&extent.key_length, prefix.data() + kRecordLongKeyLengthOffset, sizeof(uint32_t));
    // A long-key record always stores a length that needs the field.
    if (!IsLongKey(extent.key_length)) {
      return Status::Corruption("record's long-key field holds a short length " +
                                std::to_string(extent.key_length));
    }
  } else {
    extent.key_length = extent.header.key_length_field();
  }
  extent.size = RecordSize(extent.key_length, extent.value_length, extent.header.has_expiry());
  return extent;
}

Result<RecordView> RecordView::Parse(std::span<const std::byte> bytes) {
  // The smallest record is kRecordPrefixSize bytes, so a whole record always holds a
  // prefix; fewer bytes can't be one.
  auto extent = ParseRecordExtent(bytes);
  if (!extent.ok()) return extent.status();
  if (extent->size > bytes.size()) {
    return Status::Corruption("record of " + std::to_string(extent->size) + " bytes (key " +
                              std::to_string(extent->key_length) + ", value " +
                              std::to_string(extent->value_length) + ") runs past the " +
                              std::to_string(bytes.size()) + " bytes left");
  }
  return RecordView(bytes.data(), *extent);
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
  const bool has_expiry = expiry_ms.has_value();
  const uint64_t size = RecordSize(key.size(), value.size(), has_expiry);
  if (size > dest.size()) {
    return Status::InvalidArgument("record of " + std::to_string(size) + " bytes does not fit in " +
                                   std::to_string(dest.size()));
  }
  const RecordHeader header = RecordHeader()
                                  .with_previous_address(previous)
                                  .with_tombstone(flags.tombstone)
                                  .with_invalid(flags.invalid)
                                  .with_has_expiry(has_expiry)
                                  .with_value_kind(flags.value_kind)
                                  .with_key_length(key.size());
  std::byte* out = dest.data();
  StoreWord(out + kRecordHeaderOffset, header.word());
  const auto value_length = static_cast<uint32_t>(value.size());
  std::memcpy(out + kRecordValueLengthOffset, &value_length, sizeof(value_length));
  if (IsLongKey(key.size())) {
    const auto key_length = static_cast<uint32_t>(key.size());
    std::memcpy(out + kRecordLongKeyLengthOffset, &key_length, sizeof(key_length));
  }
  if (has_expiry) {
    std::memcpy(out + RecordExpiryOffset(key.size()), &*expiry_ms, sizeof(int64_t));
  }
  size_t at = RecordKeyOffset(key.size(), has_expiry);
  if (!key.empty()) std::memcpy(out + at, key.data(), key.size());
  at += key.size();
  if (!value.empty()) std::memcpy(out + at, value.data(), value.size());
  at += value.size();
  // Padding is zeroed so that page checksums never depend on stale memory.
  std::memset(out + at, 0, size - at);
  return static_cast<size_t>(size);
}

}  // namespace ferrite
