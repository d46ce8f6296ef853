#include "util/glob_match.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(GlobMatchTest, LiteralsAndWildcards) {
  EXPECT_TRUE(GlobMatch("hello", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "hell"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("h*o", "hello"));
  EXPECT_TRUE(GlobMatch("h*o", "ho"));
  EXPECT_FALSE(GlobMatch("h*o", "help"));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("**a**", "bab"));
  EXPECT_TRUE(GlobMatch("*max*", "maxclients"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
}

TEST(GlobMatchTest, BracketSets) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hallo")) << "reversed ranges are swapped";
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("x[abc", "xb")) << "an unterminated set runs to the end";
}

TEST(GlobMatchTest, EscapesAndCase) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("\\", "\\")) << "a trailing backslash is literal";
  EXPECT_FALSE(GlobMatch("HELLO", "hello"));
  EXPECT_TRUE(GlobMatch("HELLO", "hello", /*nocase=*/true));
  EXPECT_TRUE(GlobMatch("[A-C]x", "bx", /*nocase=*/true));
}

TEST(GlobMatchTest, BinaryText) {
  std::string text("a\0b", 3);
  EXPECT_TRUE(GlobMatch("a?b", text));
  EXPECT_TRUE(GlobMatch(std::string_view("a\0*", 3), text));
}

TEST(GlobMatchTest, ManyStarsStayFast) {
  // Exponential backtracking would never finish on this.
  std::string pattern(50, '*');
  pattern += "b";
  std::string text(5000, 'a');
  EXPECT_FALSE(GlobMatch(pattern, text));
}

}  // namespace
}  // namespace ferrite
