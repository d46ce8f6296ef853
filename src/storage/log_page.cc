#include "storage/log_page.h"

#include <algorithm>
#include <cstring>
#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ferrite {
namespace {

template <typename T>
T Load(std::span<const std::byte> page, size_t offset) {
  T value;
  std::memcpy(&value, page.data() + offset, sizeof(T));
  return value;
}

template <typename T>
void Store(std::span<std::byte> page, size_t offset, T value) {
  std::memcpy(page.data() + offset, &value, sizeof(T));
}

bool ValidPageSize(size_t size) {
  return size >= (size_t{1} << LogGeometry::kMinPageBits) &&
         size <= (size_t{1} << LogGeometry::kMaxPageBits) && (size & (size - 1)) == 0;
}

}  // namespace

PageHeader ReadPageHeader(std::span<const std::byte> page) {
  PageHeader header;
  header.magic = Load<uint64_t>(page, kPageMagicOffset);
  header.format_version = Load<uint32_t>(page, kPageVersionOffset);
  header.flags = Load<uint32_t>(page, kPageFlagsOffset);
  header.page_number = Load<uint64_t>(page, kPageNumberOffset);
  header.used_length = Load<uint32_t>(page, kPageUsedLengthOffset);
  header.index_bucket_bits = Load<uint32_t>(page, kPageIndexBitsOffset);
  header.checksum = Load<uint64_t>(page, kPageChecksumOffset);
  return header;
}

uint64_t ComputePageChecksum(std::span<const std::byte> page, uint32_t used_length) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, page.data(), kPageChecksumOffset);
  XXH3_64bits_update(&state, page.data() + kPageChecksumEnd, used_length - kPageChecksumEnd);
  return XXH3_64bits_digest(&state);
}

Status SealPage(std::span<std::byte> page, uint64_t page_number, uint32_t used_length,
                uint32_t index_bucket_bits) {
  if (!ValidPageSize(page.size())) {
    return Status::InvalidArgument("page buffer of " + std::to_string(page.size()) +
                                   " bytes is not a log page size");
  }
  if (used_length < kPageHeaderSize || used_length > page.size()) {
    return Status::InvalidArgument("used length " + std::to_string(used_length) + " outside [64, " +
                                   std::to_string(page.size()) + "]");
  }
  if (index_bucket_bits > 63) {
    return Status::InvalidArgument("index bucket bits " + std::to_string(index_bucket_bits) +
                                   " above 63");
  }
  std::memset(page.data(), 0, kPageHeaderSize);
  Store<uint64_t>(page, kPageMagicOffset, kLogPageMagic);
  Store<uint32_t>(page, kPageVersionOffset, kLogPageFormatVersion);
  Store<uint64_t>(page, kPageNumberOffset, page_number);
  Store<uint32_t>(page, kPageUsedLengthOffset, used_length);
  Store<uint32_t>(page, kPageIndexBitsOffset, index_bucket_bits);
  // The tail goes to disk too: zero it so that no stale memory is written out.
  std::memset(page.data() + used_length, 0, page.size() - used_length);
  Store<uint64_t>(page, kPageChecksumOffset, ComputePageChecksum(page, used_length));
  return Status::Ok();
}

bool IsUnwrittenPage(std::span<const std::byte> page) {
  // Word-wise: pages are multiples of 8 bytes; any tail is checked byte by byte.
  size_t words = page.size() / sizeof(uint64_t);
  for (size_t i = 0; i < words; ++i) {
    if (Load<uint64_t>(page, i * sizeof(uint64_t)) != 0) return false;
  }
  return std::all_of(page.begin() + static_cast<ptrdiff_t>(words * sizeof(uint64_t)), page.end(),
                     [](std::byte b) { return b == std::byte{0}; });
}

Status VerifyPage(std::span<const std::byte> page, uint64_t expected_page_number) {
  std::string which = "page " + std::to_string(expected_page_number);
  if (page.size() < kPageHeaderSize) {
    return Status::Corruption(which + ": only " + std::to_string(page.size()) +
                              " bytes, shorter than its header");
  }
  PageHeader header = ReadPageHeader(page);
  if (header.magic != kLogPageMagic) {
    if (IsUnwrittenPage(page)) return Status::NotFound(which + " was never written (all zero)");
    return Status::Corruption(which + ": bad magic");
  }
  if (header.format_version != kLogPageFormatVersion) {
    return Status::NotSupported(which + ": format version " +
                                std::to_string(header.format_version) + ", this build reads " +
                                std::to_string(kLogPageFormatVersion));
  }
  if (header.used_length < kPageHeaderSize || header.used_length > page.size()) {
    return Status::Corruption(which + ": used length " + std::to_string(header.used_length) +
                              " out of range [64, " + std::to_string(page.size()) + "]");
  }
  if (header.page_number != expected_page_number) {
    return Status::Corruption(which + ": header holds wrong page number " +
                              std::to_string(header.page_number));
  }
  uint64_t checksum = ComputePageChecksum(page, header.used_length);
  if (checksum != header.checksum) {
    return Status::Corruption(which + ": checksum mismatch over " +
                              std::to_string(header.used_length) + " used bytes");
  }
  // Covered by the checksum, so set by a writer, not by damage: a newer format.
  if (header.flags != 0 || header.index_bucket_bits > 63) {
    return Status::NotSupported(which + ": header has reserved fields set");
  }
  return Status::Ok();
}

PageRecordIterator::PageRecordIterator(std::span<const std::byte> page, LogAddress page_start)
    : page_start_(page_start) {
  uint32_t used = page.size() >= kPageHeaderSize ? ReadPageHeader(page).used_length : 0;
  if (used < kPageHeaderSize || used > page.size()) {
    status_ = Status::Corruption("page at address " + std::to_string(page_start) +
                                 ": used length " + std::to_string(used) + " out of range");
    return;
  }
  used_ = page.first(used);
  ParseAtOffset();
}

void PageRecordIterator::Next() {
  if (!valid_) return;
  offset_ += record_->size();
  ParseAtOffset();
}

void PageRecordIterator::ParseAtOffset() {
  valid_ = false;
  record_.reset();
  if (offset_ >= used_.size()) return;  // a clean end: the used length ends on a record
  auto parsed = RecordView::Parse(used_.subspan(offset_));
  if (!parsed.ok()) {
    status_ = Status::Corruption("record at address " + std::to_string(address()) + ": " +
                                 std::string(parsed.status().message()));
    return;
  }
  // A hash chain only points back: an older record has a lower address.
  if (parsed->previous_address() >= address()) {
    status_ = Status::Corruption("record at address " + std::to_string(address()) +
                                 " links forward to " + std::to_string(parsed->previous_address()));
    return;
  }
  record_ = *parsed;
  valid_ = true;
}

}  // namespace ferrite
