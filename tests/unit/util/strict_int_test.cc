#include "util/strict_int.h"

#include <gtest/gtest.h>

#include <climits>

namespace ferrite {
namespace {

TEST(ParseStrictInt64Test, AcceptsCanonicalIntegers) {
  EXPECT_EQ(ParseStrictInt64("0"), 0);
  EXPECT_EQ(ParseStrictInt64("7"), 7);
  EXPECT_EQ(ParseStrictInt64("-7"), -7);
  EXPECT_EQ(ParseStrictInt64("1234567890"), 1234567890);
  EXPECT_EQ(ParseStrictInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseStrictInt64("-9223372036854775808"), INT64_MIN);
}

TEST(ParseStrictInt64Test, RejectsWhatRedisRejects) {
  for (const char* text : {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1.0", "1e3", "0x10",
                           "9223372036854775808", "-9223372036854775809",
                           "99999999999999999999", "123456789012345678901"}) {
    EXPECT_FALSE(ParseStrictInt64(text).has_value()) << "'" << text << "'";
  }
  EXPECT_FALSE(ParseStrictInt64(std::string_view("12\0", 3)).has_value());
}

TEST(FormatInt64Test, RoundTripsExtremes) {
  char buffer[20];
  for (int64_t value : {int64_t{0}, int64_t{-1}, INT64_MAX, INT64_MIN, int64_t{42}}) {
    size_t length = FormatInt64(value, buffer);
    EXPECT_EQ(ParseStrictInt64(std::string_view(buffer, length)), value);
  }
}

}  // namespace
}  // namespace ferrite
