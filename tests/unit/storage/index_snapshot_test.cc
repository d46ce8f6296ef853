// Index snapshots: an index with overflow buckets and shared entries comes back exactly,
// and a damaged or mis-sized snapshot is Corruption naming its file.
#include "storage/index_snapshot.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

#include "storage/key_hash.h"

namespace ferrite {
namespace {

HashIndex Sample() {
  HashIndex index(4);
  // Enough keys for growth and overflow buckets; addresses are arbitrary non-zero.
  for (uint64_t i = 1; i <= 3000; ++i) {
    index.Set(index.FindOrCreate(HashKey("key:" + std::to_string(i))), i * 8);
  }
  index.Grow();  // no chain reader: every entry becomes shared
  return index;
}

std::map<std::pair<uint64_t, uint64_t>, int> Entries(const HashIndex& index) {
  std::map<std::pair<uint64_t, uint64_t>, int> entries;
  index.ForEach([&](uint64_t bucket, IndexEntry entry) { ++entries[{bucket, entry.word()}]; });
  return entries;
}

TEST(IndexSnapshotTest, RoundTripsTablesCountsAndLookups) {
  const HashIndex index = Sample();
  ASSERT_GT(index.overflow_buckets(), 0u);
  ASSERT_GT(index.shared_count(), 0u);
  auto decoded = DecodeIndexSnapshot(EncodeIndexSnapshot(index), "snap");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->bucket_count(), index.bucket_count());
  EXPECT_EQ(decoded->entry_count(), index.entry_count());
  EXPECT_EQ(decoded->shared_count(), index.shared_count());
  EXPECT_EQ(decoded->overflow_buckets(), index.overflow_buckets());
  EXPECT_EQ(Entries(*decoded), Entries(index));
  for (uint64_t i = 1; i <= 3000; ++i) {
    const uint64_t hash = HashKey("key:" + std::to_string(i));
    EXPECT_EQ(decoded->Find(hash), index.Find(hash));
  }
}

TEST(IndexSnapshotTest, DamageIsCorruptionNamingTheFile) {
  const std::vector<std::byte> bytes = EncodeIndexSnapshot(Sample());
  for (size_t offset : {size_t{0}, size_t{20}, size_t{64}, bytes.size() / 2, bytes.size() - 1}) {
    std::vector<std::byte> damaged = bytes;
    damaged[offset] ^= std::byte{0x04};
    auto decoded = DecodeIndexSnapshot(damaged, "/d/checkpoint.3.index");
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << offset;
    EXPECT_NE(decoded.status().message().find("/d/checkpoint.3.index"), std::string_view::npos);
  }
  for (size_t length : {size_t{0}, size_t{71}, bytes.size() - 8, bytes.size() - 1}) {
    std::vector<std::byte> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(length));
    EXPECT_EQ(DecodeIndexSnapshot(cut, "s").status().code(), StatusCode::kCorruption) << length;
  }
}

TEST(IndexSnapshotTest, StructuralDamageUnderAValidChecksumIsCaught) {
  // A bucket's overflow link pointing past the pool, re-checksummed: FromTables refuses.
  HashIndex index(2);
  std::vector<HashBucket> table(2);
  table[0].overflow = 5;
  auto built = HashIndex::FromTables(table, {});
  EXPECT_EQ(built.status().code(), StatusCode::kCorruption);
  std::vector<HashBucket> pool(2);
  table[0].overflow = 2;
  pool[1].overflow = 2;  // links to itself
  EXPECT_EQ(HashIndex::FromTables(table, pool).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(HashIndex::FromTables(std::vector<HashBucket>(3), {}).status().code(),
            StatusCode::kCorruption);
  pool[1].overflow = 0;
  auto ok = HashIndex::FromTables(table, pool);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

}  // namespace
}  // namespace ferrite
