// SET / GETEX option parsing: Redis's order of checks and its error texts.
#include "commands/expiry_args.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace ferrite {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

Result<SetOptions> Parse(std::vector<std::string_view> words,
                         ExpiryCommand kind = ExpiryCommand::kSet) {
  return ParseSetOptions(words, kind, kind == ExpiryCommand::kSet ? "set" : "getex", kNow);
}

std::string ErrorOf(const Result<SetOptions>& result) {
  return result.ok() ? "OK" : std::string(result.status().message());
}

TEST(ExpiryArgsTest, RelativeAndAbsoluteTimes) {
  EXPECT_EQ(Parse({"EX", "10"})->expiry_ms, kNow + 10'000);
  EXPECT_EQ(Parse({"px", "10"})->expiry_ms, kNow + 10);
  EXPECT_EQ(Parse({"EXAT", "5"})->expiry_ms, 5'000);
  EXPECT_EQ(Parse({"PXAT", "5"})->expiry_ms, 5);
  EXPECT_EQ(Parse({"EX", "1", "EX", "2"})->expiry_ms, kNow + 2'000) << "a repeated EX: the last";
  EXPECT_FALSE(Parse({})->expiry_ms.has_value());
}

TEST(ExpiryArgsTest, ConditionsAndFlags) {
  SetOptions options = *Parse({"nx", "GET", "KEEPTTL"});
  EXPECT_TRUE(options.nx);
  EXPECT_TRUE(options.get);
  EXPECT_TRUE(options.keep_ttl);
  EXPECT_TRUE(Parse({"XX", "XX"})->xx);
  EXPECT_TRUE(Parse({"PERSIST"}, ExpiryCommand::kGetEx)->persist);
}

TEST(ExpiryArgsTest, ConflictsAreSyntaxErrors) {
  const std::string syntax = "ERR syntax error";
  EXPECT_EQ(ErrorOf(Parse({"NX", "XX"})), syntax);
  EXPECT_EQ(ErrorOf(Parse({"EX", "1", "PX", "1"})), syntax);
  EXPECT_EQ(ErrorOf(Parse({"KEEPTTL", "EX", "1"})), syntax);
  EXPECT_EQ(ErrorOf(Parse({"EX", "1", "KEEPTTL"})), syntax);
  EXPECT_EQ(ErrorOf(Parse({"EX"})), syntax) << "missing argument";
  EXPECT_EQ(ErrorOf(Parse({"PERSIST"})), syntax) << "PERSIST is GETEX's";
  EXPECT_EQ(ErrorOf(Parse({"GET"}, ExpiryCommand::kGetEx)), syntax) << "GET is SET's";
  EXPECT_EQ(ErrorOf(Parse({"NX"}, ExpiryCommand::kGetEx)), syntax);
  EXPECT_EQ(ErrorOf(Parse({"PERSIST", "EX", "1"}, ExpiryCommand::kGetEx)), syntax);
  EXPECT_EQ(ErrorOf(Parse({"bogus"})), syntax);
  // A syntax error comes before a bad time.
  EXPECT_EQ(ErrorOf(Parse({"EX", "abc", "bogus"})), syntax);
}

TEST(ExpiryArgsTest, BadTimes) {
  EXPECT_EQ(ErrorOf(Parse({"EX", "abc"})), "ERR value is not an integer or out of range");
  EXPECT_EQ(ErrorOf(Parse({"EX", "0"})), "ERR invalid expire time in 'set' command");
  EXPECT_EQ(ErrorOf(Parse({"PX", "-5"})), "ERR invalid expire time in 'set' command");
  EXPECT_EQ(ErrorOf(Parse({"EX", "9223372036854775"})), "ERR invalid expire time in 'set' command")
      << "seconds that overflow as milliseconds";
  EXPECT_EQ(ErrorOf(Parse({"PX", "9223372036854775807"})),
            "ERR invalid expire time in 'set' command")
      << "now plus the time overflows";
  EXPECT_EQ(Parse({"PXAT", "9223372036854775807"})->expiry_ms, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ErrorOf(Parse({"EX", "0"}, ExpiryCommand::kGetEx)),
            "ERR invalid expire time in 'getex' command");
}

}  // namespace
}  // namespace ferrite
