#include "util/ascii.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(AsciiTest, CaseFoldingIsAsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("PING", "ping"));
  EXPECT_TRUE(EqualsIgnoreCase("Client|List", "client|list"));
  EXPECT_FALSE(EqualsIgnoreCase("ping", "pong"));
  EXPECT_FALSE(EqualsIgnoreCase("ping", "pin"));
  // Bytes outside ASCII letters are compared as they are.
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\xa9", "\xc3\x89"));
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_EQ(AsciiToUpper("client"), "CLIENT");
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiUpper('{'), '{');
}

}  // namespace
}  // namespace ferrite
