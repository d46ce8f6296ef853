#include "protocol/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferrite::protocol {
namespace {

using Args = std::vector<std::string>;

struct Outcome {
  std::vector<Args> requests;
  std::string error;  // empty when no protocol error
};

Args ToArgs(std::span<const std::string_view> args) { return Args(args.begin(), args.end()); }

// Feeds `input` to a parser `chunk` bytes at a time, as a connection would: the
// unconsumed bytes stay at the front of the buffer and new ones are appended.
Outcome ParseInChunks(std::string_view input, size_t chunk, ParserLimits limits = {}) {
  RequestParser parser;
  parser.set_limits(limits);
  Outcome outcome;
  std::string buffer;
  size_t fed = 0;
  while (true) {
    ParseStatus status = parser.Parse(buffer);
    if (status == ParseStatus::kComplete) {
      if (!parser.args().empty()) outcome.requests.push_back(ToArgs(parser.args()));
      buffer.erase(0, parser.consumed());
      continue;
    }
    if (status == ParseStatus::kError) {
      outcome.error = parser.error();
      return outcome;
    }
    if (fed == input.size()) return outcome;
    size_t take = std::min(chunk, input.size() - fed);
    buffer.append(input.substr(fed, take));
    fed += take;
  }
}

Outcome ParseAll(std::string_view input, ParserLimits limits = {}) {
  return ParseInChunks(input, input.size() + 1, limits);
}

TEST(RequestParserTest, ParsesMultibulk) {
  Outcome outcome = ParseAll("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n");
  ASSERT_EQ(outcome.requests.size(), 1u);
  EXPECT_EQ(outcome.requests[0], (Args{"ECHO", "hello"}));
  EXPECT_EQ(outcome.error, "");
}

TEST(RequestParserTest, ArgumentsAreBinarySafeViewsIntoTheBuffer) {
  std::string input = "*2\r\n$3\r\nSET\r\n$5\r\n" + std::string("a\0\r\nb", 5) + "\r\n";
  RequestParser parser;
  ASSERT_EQ(parser.Parse(input), ParseStatus::kComplete);
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[1], std::string_view("a\0\r\nb", 5));
  EXPECT_GE(parser.args()[1].data(), input.data());
  EXPECT_LT(parser.args()[1].data(), input.data() + input.size());
  EXPECT_EQ(parser.consumed(), input.size());
}

TEST(RequestParserTest, EverySplitGivesTheSameRequests) {
  std::string input =
      "*1\r\n$4\r\nPING\r\n"
      "ECHO \"a b\" 'c d'\r\n"
      "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$10\r\n0123456789\r\n"
      "\r\n"
      "*0\r\n"
      "PING\n";
  Outcome whole = ParseAll(input);
  ASSERT_EQ(whole.requests.size(), 4u);
  EXPECT_EQ(whole.requests[1], (Args{"ECHO", "a b", "c d"}));
  EXPECT_EQ(whole.requests[2], (Args{"SET", "", "0123456789"}));
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    Outcome split = ParseInChunks(input, chunk);
    EXPECT_EQ(split.requests, whole.requests) << "chunk " << chunk;
    EXPECT_EQ(split.error, "");
  }
}

TEST(RequestParserTest, PipelineOfThousands) {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += "*2\r\n$4\r\nECHO\r\n$" + std::to_string(std::to_string(i).size()) + "\r\n" + std::to_string(i) + "\r\n";
  Outcome outcome = ParseInChunks(input, 4096);
  ASSERT_EQ(outcome.requests.size(), 5000u);
  EXPECT_EQ(outcome.requests[4999], (Args{"ECHO", "4999"}));
}

TEST(RequestParserTest, EmptyAndNegativeMultibulkAreSkipped) {
  Outcome outcome = ParseAll("*0\r\n*-1\r\n*-5\r\n\r\n   \r\nPING\r\n");
  ASSERT_EQ(outcome.requests.size(), 1u);
  EXPECT_EQ(outcome.requests[0], (Args{"PING"}));
}

TEST(RequestParserTest, BytesAfterBulkPayloadAreSkippedUnchecked) {
  // Redis does not verify the CRLF after a payload; neither does Ferrite.
  Outcome outcome = ParseAll("*1\r\n$4\r\nPINGxxPING\r\n");
  ASSERT_EQ(outcome.requests.size(), 2u);
  EXPECT_EQ(outcome.requests[0], (Args{"PING"}));
  EXPECT_EQ(outcome.requests[1], (Args{"PING"}));
}

struct ErrorCase {
  std::string input;
  std::string error;
  // Names the case in test listings (the inputs are unprintable or huge).
  friend void PrintTo(const ErrorCase& c, std::ostream* os) {
    *os << c.error.substr(c.error.find(':') + 2) << " (" << c.input.size() << " bytes)";
  }
};

class RequestParserErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(RequestParserErrorTest, ReportsRedisWording) {
  const ErrorCase& c = GetParam();
  Outcome whole = ParseAll(c.input);
  EXPECT_EQ(whole.error, c.error);
  Outcome bytewise = ParseInChunks(c.input, 1);
  EXPECT_EQ(bytewise.error, c.error);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, RequestParserErrorTest,
    testing::Values(
        ErrorCase{"*a\r\n", "ERR Protocol error: invalid multibulk length"},
        ErrorCase{"*2147483648\r\n", "ERR Protocol error: invalid multibulk length"},
        ErrorCase{"*+1\r\n", "ERR Protocol error: invalid multibulk length"},
        ErrorCase{"*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"},
        ErrorCase{"*2\r\n$4\r\nping\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"},
        ErrorCase{"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
        ErrorCase{"*1\r\n$a\r\n", "ERR Protocol error: invalid bulk length"},
        ErrorCase{"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
        ErrorCase{"ping \"a\r\n", "ERR Protocol error: unbalanced quotes in request"},
        ErrorCase{"ping 'a\r\n", "ERR Protocol error: unbalanced quotes in request"},
        ErrorCase{"ping \"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request"},
        ErrorCase{std::string(65 * 1024, 'a'), "ERR Protocol error: too big inline request"},
        ErrorCase{"*" + std::string(65 * 1024, '1'),
                  "ERR Protocol error: too big mbulk count string"},
        ErrorCase{"*1\r\n$" + std::string(65 * 1024, '1'),
                  "ERR Protocol error: too big bulk count string"}));

TEST(RequestParserTest, LargestMultibulkHeaderIsAccepted) {
  RequestParser parser;
  EXPECT_EQ(parser.Parse("*2147483647\r\n"), ParseStatus::kIncomplete);
}

TEST(RequestParserTest, BulkLengthLimitFollowsConfiguration) {
  Outcome within = ParseAll("*1\r\n$5\r\nhello\r\n", {.max_bulk_length = 5});
  EXPECT_EQ(within.requests.size(), 1u);
  Outcome beyond = ParseAll("*1\r\n$6\r\nhello!\r\n", {.max_bulk_length = 5});
  EXPECT_EQ(beyond.error, "ERR Protocol error: invalid bulk length");
}

TEST(RequestParserTest, UnauthenticatedClientsSendOnlySmallRequests) {
  ParserLimits unauthenticated{.authenticated = false};
  EXPECT_EQ(ParseAll("*10\r\n", unauthenticated).error, "");
  EXPECT_EQ(ParseAll("*11\r\n", unauthenticated).error,
            "ERR Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(ParseAll("*1\r\n$16384\r\n", unauthenticated).error, "");
  EXPECT_EQ(ParseAll("*1\r\n$16385\r\n", unauthenticated).error,
            "ERR Protocol error: unauthenticated bulk length");
}

TEST(RequestParserTest, NulInHeaderLineNeverCompletesLikeRedis) {
  // Redis finds line ends with strchr(), which stops at NUL: such a line waits for
  // more input until it is too big.
  Outcome inline_nul = ParseAll(std::string("ping\0a\r\n", 8));
  EXPECT_TRUE(inline_nul.requests.empty());
  EXPECT_EQ(inline_nul.error, "");
  std::string flood = std::string("ping\0", 5) + std::string(65 * 1024, '\n');
  EXPECT_EQ(ParseAll(flood).error, "ERR Protocol error: too big inline request");
  Outcome count_nul = ParseAll(std::string("*1\0\r\n$4\r\nPING\r\n", 15));
  EXPECT_TRUE(count_nul.requests.empty());
  EXPECT_EQ(count_nul.error, "");
}

TEST(RequestParserTest, BytesWantedSizesLargeArguments) {
  RequestParser parser;
  std::string head = "*2\r\n$3\r\nSET\r\n$100000\r\n";
  ASSERT_EQ(parser.Parse(head), ParseStatus::kIncomplete);
  EXPECT_EQ(parser.bytes_wanted(), head.size() + 100000 + 2);
  std::string full = head + std::string(100000, 'v') + "\r\n";
  ASSERT_EQ(parser.Parse(full), ParseStatus::kComplete);
  EXPECT_EQ(parser.args()[1].size(), 100000u);
  EXPECT_EQ(parser.bytes_wanted(), 0u);
}

TEST(RequestParserTest, ParserIsReusableAfterAnError) {
  RequestParser parser;
  EXPECT_EQ(parser.Parse("*2\r\n$1\r\nx"), ParseStatus::kIncomplete);
  EXPECT_EQ(parser.Parse("*2\r\n$1\r\nx\r\nbad\r\n"), ParseStatus::kError);
  EXPECT_EQ(parser.error(), "ERR Protocol error: expected '$', got 'b'");
  ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n"), ParseStatus::kComplete);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
}

TEST(RequestParserTest, InlineLinesAcceptBareNewline) {
  Outcome outcome = ParseAll("echo a\necho b\r\n");
  ASSERT_EQ(outcome.requests.size(), 2u);
  EXPECT_EQ(outcome.requests[0], (Args{"echo", "a"}));
  EXPECT_EQ(outcome.requests[1], (Args{"echo", "b"}));
}

}  // namespace
}  // namespace ferrite::protocol
