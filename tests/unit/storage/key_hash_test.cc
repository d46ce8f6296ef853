#include "storage/key_hash.h"

#include <bit>
#include <string>

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(KeyHashTest, StableAcrossRunsAndBinarySafe) {
  // Fixed values: the index snapshot on disk depends on them never changing.
  EXPECT_EQ(HashKey(""), 0x2d06800538d394c2u);
  EXPECT_NE(HashKey(std::string("a\0b", 3)), HashKey(std::string("a\0c", 3)));
  EXPECT_NE(HashKey("key:1"), HashKey("key:2"));
}

TEST(KeyHashTest, LowAndTopBitsAreBothWellSpread) {
  // Buckets use the low bits and tags the top 15: both must vary with the key.
  uint64_t low_or = 0, low_and = ~uint64_t{0}, top_or = 0, top_and = ~uint64_t{0};
  for (int i = 0; i < 1000; ++i) {
    uint64_t h = HashKey("key:" + std::to_string(i));
    low_or |= h & 0xFFFF;
    low_and &= h & 0xFFFF;
    top_or |= h >> 49;
    top_and &= h >> 49;
  }
  EXPECT_EQ(low_or, 0xFFFFu);
  EXPECT_EQ(low_and, 0u);
  EXPECT_EQ(top_or, 0x7FFFu);
  EXPECT_EQ(top_and, 0u);
}

}  // namespace
}  // namespace ferrite
