#include "util/memory_units.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(ParseMemoryAmountTest, UnitsAreRedisUnits) {
  EXPECT_EQ(ParseMemoryAmount("100"), 100u);
  EXPECT_EQ(ParseMemoryAmount("100b"), 100u);
  EXPECT_EQ(ParseMemoryAmount("1k"), 1000u);
  EXPECT_EQ(ParseMemoryAmount("1kb"), 1024u);
  EXPECT_EQ(ParseMemoryAmount("2m"), 2000000u);
  EXPECT_EQ(ParseMemoryAmount("2mb"), 2u * 1024 * 1024);
  EXPECT_EQ(ParseMemoryAmount("1g"), 1000000000u);
  EXPECT_EQ(ParseMemoryAmount("1GB"), 1024ull * 1024 * 1024);
  EXPECT_EQ(ParseMemoryAmount("512Mb"), 512ull * 1024 * 1024);
}

TEST(ParseMemoryAmountTest, RejectsMalformedAndOverflow) {
  for (const char* text : {"", "-1", "mb", "1tb", "1 mb", "1.5gb", "abc", "1kbb"}) {
    EXPECT_FALSE(ParseMemoryAmount(text).has_value()) << text;
  }
  EXPECT_FALSE(ParseMemoryAmount("18446744073709551616").has_value());
  EXPECT_FALSE(ParseMemoryAmount("18446744073709551615gb").has_value());
  EXPECT_EQ(ParseMemoryAmount("18446744073709551615"), UINT64_MAX);
}

}  // namespace
}  // namespace ferrite
