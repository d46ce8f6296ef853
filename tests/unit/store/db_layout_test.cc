// The Db directory's layout file: written for a new directory, checked on every open,
// inferred from shard directories that predate it, and reported when damaged.
#include "store/db_layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/temp_dir.h"
#include "util/atomic_file.h"

namespace ferrite {
namespace {

TEST(DbLayoutTest, NewDirectoryGetsALayoutFileThatLaterOpensMustMatch) {
  TempDir dir;
  const std::string db = dir.Path("db");
  ASSERT_TRUE(CheckOrCreateDbLayout(db, 4).ok());
  EXPECT_EQ(*ReadWholeFile(db + "/FERRITE"), "ferrite-db 1\nshards 4\n");
  EXPECT_TRUE(CheckOrCreateDbLayout(db, 4).ok());
  Status other = CheckOrCreateDbLayout(db, 8);
  EXPECT_EQ(other.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.message().find("written with 4 shards"), std::string_view::npos);
}

TEST(DbLayoutTest, ShardDirectoriesWithoutALayoutFileSayTheCount) {
  TempDir dir;
  const std::string db = dir.Path("db");
  std::filesystem::create_directories(db + "/shard-0");
  std::filesystem::create_directories(db + "/shard-1");
  EXPECT_EQ(CheckOrCreateDbLayout(db, 3).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(db + "/FERRITE"));
  ASSERT_TRUE(CheckOrCreateDbLayout(db, 2).ok());
  EXPECT_TRUE(std::filesystem::exists(db + "/FERRITE"));
}

TEST(DbLayoutTest, DamagedLayoutFileIsCorruption) {
  TempDir dir;
  const std::string db = dir.Path("db");
  ASSERT_TRUE(CheckOrCreateDbLayout(db, 2).ok());
  for (const char* text : {"", "ferrite-db 1\nshards 0\n", "ferrite-db 1\nshards 2",
                           "ferrite-db 2\nshards 2\n", "ferrite-db 1\nshards 2x\n"}) {
    std::ofstream(db + "/FERRITE", std::ios::trunc) << text;
    Status status = CheckOrCreateDbLayout(db, 2);
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << text;
    EXPECT_NE(status.message().find(db + "/FERRITE"), std::string_view::npos);
  }
}

}  // namespace
}  // namespace ferrite
