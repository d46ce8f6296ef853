#include "storage/index_snapshot.h"

#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ferrite {
namespace {

constexpr size_t kVersionOffset = 8;
constexpr size_t kTableOffset = 16;
constexpr size_t kOverflowOffset = 24;

template <typename T>
void Store(std::vector<std::byte>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

template <typename T>
T Load(std::span<const std::byte> bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

}  // namespace

std::vector<std::byte> EncodeIndexSnapshot(const HashIndex& index) {
  const auto table = index.table();
  const auto overflow = index.overflow_pool();
  const size_t body = (table.size() + overflow.size()) * sizeof(HashBucket);
  std::vector<std::byte> bytes(kIndexSnapshotHeaderSize + body + kIndexSnapshotTrailerSize);
  Store<uint64_t>(bytes, 0, kIndexSnapshotMagic);
  Store<uint32_t>(bytes, kVersionOffset, kIndexSnapshotFormatVersion);
  Store<uint64_t>(bytes, kTableOffset, table.size());
  Store<uint64_t>(bytes, kOverflowOffset, overflow.size());
  std::byte* out = bytes.data() + kIndexSnapshotHeaderSize;
  // An empty pool has no storage at all (data() may be null, which memcpy must not get).
  std::memcpy(out, table.data(), table.size_bytes());
  if (!overflow.empty())
    std::memcpy(out + table.size_bytes(), overflow.data(), overflow.size_bytes());
  const size_t checked = bytes.size() - kIndexSnapshotTrailerSize;
  Store<uint64_t>(bytes, checked, XXH3_64bits(bytes.data(), checked));
  return bytes;
}

Result<HashIndex> DecodeIndexSnapshot(std::span<const std::byte> bytes, const std::string& file) {
  const std::string where = "index snapshot " + file;
  if (bytes.size() < kIndexSnapshotHeaderSize + kIndexSnapshotTrailerSize) {
    return Status::Corruption(where + ": only " + std::to_string(bytes.size()) + " bytes");
  }
  if (Load<uint64_t>(bytes, 0) != kIndexSnapshotMagic) {
    return Status::Corruption(where + ": bad magic");
  }
  const size_t checked = bytes.size() - kIndexSnapshotTrailerSize;
  if (XXH3_64bits(bytes.data(), checked) != Load<uint64_t>(bytes, checked)) {
    return Status::Corruption(where + ": checksum mismatch over " + std::to_string(checked) +
                              " bytes");
  }
  if (uint32_t version = Load<uint32_t>(bytes, kVersionOffset);
      version != kIndexSnapshotFormatVersion) {
    return Status::NotSupported(where + ": format version " + std::to_string(version) +
                                ", this build reads " +
                                std::to_string(kIndexSnapshotFormatVersion));
  }
  const uint64_t table_buckets = Load<uint64_t>(bytes, kTableOffset);
  const uint64_t overflow_buckets = Load<uint64_t>(bytes, kOverflowOffset);
  const uint64_t body = checked - kIndexSnapshotHeaderSize;
  // Division first: the counts come from the file and must not overflow the product.
  if (table_buckets > body / sizeof(HashBucket) || overflow_buckets > body / sizeof(HashBucket) ||
      (table_buckets + overflow_buckets) * sizeof(HashBucket) != body) {
    return Status::Corruption(where + ": " + std::to_string(table_buckets) + " + " +
                              std::to_string(overflow_buckets) + " buckets do not fill its " +
                              std::to_string(body) + " bytes");
  }
  std::vector<HashBucket> table(table_buckets);
  std::vector<HashBucket> overflow(overflow_buckets);
  const std::byte* in = bytes.data() + kIndexSnapshotHeaderSize;
  if (table_buckets > 0) std::memcpy(table.data(), in, table_buckets * sizeof(HashBucket));
  if (overflow_buckets > 0) {
    std::memcpy(overflow.data(), in + table_buckets * sizeof(HashBucket),
                overflow_buckets * sizeof(HashBucket));
  }
  auto index = HashIndex::FromTables(std::move(table), std::move(overflow));
  if (!index.ok()) return Status::Corruption(where + ": " + std::string(index.status().message()));
  return index;
}

}  // namespace ferrite
