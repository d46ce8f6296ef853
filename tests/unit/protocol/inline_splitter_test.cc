#include "protocol/inline_splitter.h"

#include <gtest/gtest.h>

namespace ferrite::protocol {
namespace {

std::vector<std::string> Split(std::string_view line) {
  std::vector<std::string> out;
  EXPECT_TRUE(SplitInlineArguments(line, out)) << line;
  return out;
}

bool Fails(std::string_view line) {
  std::vector<std::string> out;
  return !SplitInlineArguments(line, out);
}

TEST(InlineSplitterTest, SplitsOnWhitespace) {
  EXPECT_EQ(Split("set  key\tvalue "), (std::vector<std::string>{"set", "key", "value"}));
  EXPECT_TRUE(Split("").empty());
  EXPECT_TRUE(Split(" \t \v\f").empty());
}

TEST(InlineSplitterTest, DoubleQuotesAndEscapes) {
  EXPECT_EQ(Split("echo \"a b\""), (std::vector<std::string>{"echo", "a b"}));
  EXPECT_EQ(Split(R"(x "\x41\x62\n\r\t\b\a\\\"\q")"),
            (std::vector<std::string>{"x", "Ab\n\r\t\b\a\\\"q"}));
  EXPECT_EQ(Split(R"(x "\x4")"), (std::vector<std::string>{"x", "x4"}))
      << "an incomplete \\x escape is an escaped 'x'";
  EXPECT_EQ(Split("x \"\""), (std::vector<std::string>{"x", ""}));
}

TEST(InlineSplitterTest, SingleQuotesOnlyEscapeQuote) {
  EXPECT_EQ(Split(R"(x 'a\'b\n')"), (std::vector<std::string>{"x", "a'b\\n"}));
}

TEST(InlineSplitterTest, QuoteInsideAWordStartsAQuotedPart) {
  EXPECT_EQ(Split("a\"b c\""), (std::vector<std::string>{"ab c"}));
}

TEST(InlineSplitterTest, RejectsUnbalancedQuotes) {
  EXPECT_TRUE(Fails("echo \"abc"));
  EXPECT_TRUE(Fails("echo 'abc"));
  EXPECT_TRUE(Fails("echo \"a\"b"));
  EXPECT_TRUE(Fails("echo 'a'b"));
  EXPECT_TRUE(Fails("echo \"abc\\"));
}

TEST(InlineSplitterTest, NulEndsTheLine) {
  EXPECT_EQ(Split(std::string_view("a b\0c d", 7)), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace ferrite::protocol
