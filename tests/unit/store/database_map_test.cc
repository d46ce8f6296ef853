// DatabaseMap: the identity at first, swaps exchange two entries, survive reopening
// through the file, and a damaged file is reported.
#include "store/database_map.h"

#include <gtest/gtest.h>

#include "io/temp_dir.h"
#include "util/atomic_file.h"

namespace ferrite {
namespace {

TEST(DatabaseMapTest, StartsAsTheIdentityAndSwapsExchangeEntries) {
  DatabaseMap map;
  for (int db = 0; db < kMaxDatabases; ++db) EXPECT_EQ(map.Stored(db), db);
  ASSERT_TRUE(map.Swap(0, 15).ok());
  EXPECT_EQ(map.Stored(0), 15);
  EXPECT_EQ(map.Stored(15), 0);
  ASSERT_TRUE(map.Swap(15, 1).ok());
  EXPECT_EQ(map.Stored(15), 1);
  EXPECT_EQ(map.Stored(1), 0);
  EXPECT_EQ(map.Stored(0), 15);
}

TEST(DatabaseMapTest, SwapsSurviveReopening) {
  TempDir dir;
  {
    auto map = DatabaseMap::Open(dir.path().string());
    ASSERT_TRUE(map.ok()) << map.status().ToString();
    ASSERT_TRUE((*map)->Swap(2, 3).ok());
  }
  auto map = DatabaseMap::Open(dir.path().string());
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ((*map)->Stored(2), 3);
  EXPECT_EQ((*map)->Stored(3), 2);
  EXPECT_EQ((*map)->Stored(4), 4);
}

TEST(DatabaseMapTest, ADamagedFileIsCorruption) {
  TempDir dir;
  ASSERT_TRUE(ReplaceFileAtomically(dir.path().string(), DatabaseMap::kFileName,
                                    "ferrite-databases 1\n0 0\n")
                  .ok());
  auto map = DatabaseMap::Open(dir.path().string());
  EXPECT_EQ(map.status().code(), StatusCode::kCorruption);
  ASSERT_TRUE(
      ReplaceFileAtomically(dir.path().string(), DatabaseMap::kFileName, "something else\n").ok());
  EXPECT_EQ(DatabaseMap::Open(dir.path().string()).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ferrite
