// MONITOR lines: Redis's quoting, the line's layout, redaction, and batching by
// destination worker.
#include "server/monitor_feed.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ferrite {
namespace {

std::string Quoted(std::string_view arg) {
  std::string out;
  AppendQuotedArgument(out, arg);
  return out;
}

TEST(MonitorFeedTest, QuotesAsSdscatrepr) {
  EXPECT_EQ(Quoted("keys"), "\"keys\"");
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quoted("\n\r\t\a\b"), "\"\\n\\r\\t\\a\\b\"");
  EXPECT_EQ(Quoted(std::string("\x00\x01\x7f\xff \xe9~", 7)), "\"\\x00\\x01\\x7f\\xff \\xe9~\"");
}

TEST(MonitorFeedTest, LineNamesTimeDatabaseAndClient) {
  std::string_view args[] = {"keys", "*"};
  EXPECT_EQ(FormatMonitorLine(1339518083107412, 0, "127.0.0.1:60866", args, nullptr),
            "+1339518083.107412 [0 127.0.0.1:60866] \"keys\" \"*\"\r\n");
  std::string_view one[] = {"PING"};
  EXPECT_EQ(FormatMonitorLine(5'000'001, 3, "[::1]:7", one, nullptr),
            "+5.000001 [3 [::1]:7] \"PING\"\r\n");
}

TEST(MonitorFeedTest, RedactedArgumentsAreHidden) {
  std::string_view args[] = {"AUTH", "user", "pass"};
  auto hide = [](std::span<const std::string_view>, std::vector<bool>& redacted) {
    redacted[1] = redacted[2] = true;
  };
  EXPECT_EQ(FormatMonitorLine(0, 0, "a:1", args, hide),
            "+0.000000 [0 a:1] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n");
}

TEST(MonitorFeedTest, BatchesLinesPerWorker) {
  MonitorFeed feed;
  feed.Add(1, "one\r\n");
  feed.Add(3, "x\r\n");
  feed.Add(1, "two\r\n");
  std::vector<std::pair<size_t, std::string>> sent;
  feed.Flush([&sent](size_t worker, std::string text) { sent.emplace_back(worker, text); });
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], (std::pair<size_t, std::string>{1, "one\r\ntwo\r\n"}));
  EXPECT_EQ(sent[1], (std::pair<size_t, std::string>{3, "x\r\n"}));
  sent.clear();
  feed.Flush([&sent](size_t worker, std::string text) { sent.emplace_back(worker, text); });
  EXPECT_TRUE(sent.empty());
}

}  // namespace
}  // namespace ferrite
