// The slow log's entries: argument truncation and redaction as Redis keeps them, ids,
// order and trimming.
#include "server/slow_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferrite {
namespace {

std::vector<std::string> Argv(const std::vector<std::string>& args,
                              ArgumentRedactor redact = nullptr) {
  std::vector<std::string_view> views(args.begin(), args.end());
  return SlowlogArgv(views, redact);
}

SlowlogEntry EntryNamed(std::string name) {
  SlowlogEntry entry;
  entry.argv = {std::move(name)};
  return entry;
}

TEST(SlowlogArgvTest, ShortCommandsAreKeptWhole) {
  EXPECT_EQ(Argv({"SET", "k", "v"}), (std::vector<std::string>{"SET", "k", "v"}));
  std::string exact(128, 'x');
  EXPECT_EQ(Argv({"GET", exact})[1], exact);
}

TEST(SlowlogArgvTest, LongArgumentsAreCutAt128Bytes) {
  std::string long_arg(200, 'y');
  std::vector<std::string> argv = Argv({"SET", "k", long_arg});
  EXPECT_EQ(argv[2], std::string(128, 'y') + "... (72 more bytes)");
}

TEST(SlowlogArgvTest, ManyArgumentsEndWithACount) {
  std::vector<std::string> args = {"DEL"};
  for (int i = 0; i < 40; ++i) args.push_back("k" + std::to_string(i));
  std::vector<std::string> argv = Argv(args);
  ASSERT_EQ(argv.size(), 32u);
  EXPECT_EQ(argv[30], "k29");
  // 41 arguments, 31 kept: the last slot stands for the other 10.
  EXPECT_EQ(argv[31], "... (10 more arguments)");

  args.resize(32);
  EXPECT_EQ(Argv(args).back(), "k30") << "exactly 32 arguments are all kept";
  args.push_back("k31");
  EXPECT_EQ(Argv(args).back(), "... (2 more arguments)");
}

TEST(SlowlogArgvTest, RedactedArgumentsAreHidden) {
  auto hide_second = [](std::span<const std::string_view>, std::vector<bool>& redacted) {
    redacted[1] = true;
  };
  EXPECT_EQ(Argv({"AUTH", "secret"}, hide_second),
            (std::vector<std::string>{"AUTH", "(redacted)"}));
}

TEST(SlowlogArgsTest, KeepsWhatSlowlogArgvKeeps) {
  std::vector<std::string> args = {"SET", "k", std::string(300, 'v')};
  for (int i = 0; i < 40; ++i) args.push_back(std::to_string(i));
  std::vector<std::string_view> views(args.begin(), args.end());
  SlowlogArgs kept;
  EXPECT_TRUE(kept.empty());
  kept.Assign(views, nullptr);
  EXPECT_FALSE(kept.empty());
  EXPECT_EQ(kept.ToArgv(), SlowlogArgv(views, nullptr));
  // Reused for the next command.
  std::string_view auth[] = {"AUTH", "pw"};
  kept.Assign(auth, [](std::span<const std::string_view>, std::vector<bool>& redacted) {
    redacted[1] = true;
  });
  EXPECT_EQ(kept.ToArgv(), (std::vector<std::string>{"AUTH", "(redacted)"}));
  kept.Clear();
  EXPECT_TRUE(kept.ToArgv().empty());
}

TEST(SlowLogTest, NewestFirstWithIncreasingIds) {
  SlowLog log;
  log.Push(EntryNamed("a"), 128);
  log.Push(EntryNamed("b"), 128);
  log.Push(EntryNamed("c"), 128);
  std::vector<SlowlogEntry> entries = log.Newest(10);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].argv[0], "c");
  EXPECT_EQ(entries[0].id, 2u);
  EXPECT_EQ(entries[2].id, 0u);
  EXPECT_EQ(log.Newest(2).size(), 2u);
  EXPECT_EQ(log.Newest(0).size(), 0u);
  EXPECT_EQ(log.size(), 3u);
}

TEST(SlowLogTest, TrimsToMaxLenAtEachPush) {
  SlowLog log;
  for (int i = 0; i < 5; ++i) log.Push(EntryNamed(std::to_string(i)), 5);
  EXPECT_EQ(log.size(), 5u);
  // A lower limit applies at the next push, as in Redis.
  log.Push(EntryNamed("5"), 2);
  std::vector<SlowlogEntry> entries = log.Newest(10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].argv[0], "5");
  EXPECT_EQ(entries[1].argv[0], "4");
  log.Push(EntryNamed("none kept"), 0);
  EXPECT_EQ(log.size(), 0u);
}

TEST(SlowLogTest, ResetKeepsCountingIds) {
  SlowLog log;
  log.Push(EntryNamed("a"), 10);
  log.Push(EntryNamed("b"), 10);
  log.Reset();
  EXPECT_EQ(log.size(), 0u);
  log.Push(EntryNamed("c"), 10);
  EXPECT_EQ(log.Newest(1)[0].id, 2u);
}

}  // namespace
}  // namespace ferrite
