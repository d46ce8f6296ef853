// String commands against a real in-process server with two shards and a memory budget
// small enough that most values live on disk: every key reads back, read-modify-writes
// of cold records keep their expiry, and pipelined replies keep their order across
// shards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::EncodeCommand;
using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

std::string Bulk(const std::string& value) {
  return "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
}

// Two shards of 1 MiB each (four 256 KiB pages): a few MiB of values are mostly on disk.
ServerConfig SmallMemoryConfig() {
  ServerConfig config = TestConfig();
  config.maxmemory = uint64_t{2} << 20;
  config.storage_page_size = uint64_t{256} << 10;
  config.storage_segment_size = uint64_t{1} << 20;
  return config;
}

std::string ValueFor(int i) {
  return std::string(1500, static_cast<char>('a' + i % 26)) + std::to_string(i);
}

class StringCommandsTest : public ::testing::Test {
 protected:
  TestServer server_{SmallMemoryConfig()};
  TestClient client_{server_.port()};
};

TEST_F(StringCommandsTest, SetAndGetOnBothShards) {
  for (int i = 0; i < 100; ++i) {
    const std::string key = "key:" + std::to_string(i);
    ASSERT_EQ(client_.Run({"SET", key, "v" + std::to_string(i)}), "+OK\r\n");
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(client_.Run({"GET", "key:" + std::to_string(i)}), Bulk("v" + std::to_string(i)));
  }
  EXPECT_EQ(client_.Run({"GET", "missing"}), "$-1\r\n");
}

TEST_F(StringCommandsTest, ValuesLargerThanMemoryReadBackAndUpdate) {
  constexpr int kKeys = 4000;  // about 6 MiB of values, three times the budget
  std::string batch;
  for (int i = 0; i < kKeys; ++i) {
    batch += EncodeCommand({"SET", "cold:" + std::to_string(i), ValueFor(i)});
  }
  client_.Send(batch);
  for (int i = 0; i < kKeys; ++i) ASSERT_EQ(client_.ReadReply(), "+OK\r\n") << i;
  ASSERT_EQ(client_.Run({"SET", "counter", "41", "EX", "1000"}), "+OK\r\n");
  // Push the counter to disk too.
  for (int i = 0; i < 1000; ++i) {
    client_.Send(EncodeCommand({"SET", "filler:" + std::to_string(i), ValueFor(i)}));
  }
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(client_.ReadReply(), "+OK\r\n");

  batch.clear();
  for (int i = 0; i < kKeys; ++i) batch += EncodeCommand({"GET", "cold:" + std::to_string(i)});
  client_.Send(batch);
  for (int i = 0; i < kKeys; ++i) ASSERT_EQ(client_.ReadReply(), Bulk(ValueFor(i))) << i;

  EXPECT_EQ(client_.Run({"INCR", "counter"}), ":42\r\n");
  // INCR keeps the expiry (the run above may take seconds under the sanitizers).
  const std::string ttl = client_.Run({"TTL", "counter"});
  ASSERT_EQ(ttl.front(), ':') << ttl;
  const int seconds = std::stoi(ttl.substr(1));
  EXPECT_GT(seconds, 900) << ttl;
  EXPECT_LE(seconds, 1000) << ttl;
  EXPECT_EQ(client_.Run({"APPEND", "cold:7", "!"}),
            ":" + std::to_string(ValueFor(7).size() + 1) + "\r\n");
  EXPECT_EQ(client_.Run({"GETSET", "cold:8", "new"}), Bulk(ValueFor(8)));
  EXPECT_EQ(client_.Run({"GET", "cold:8"}), Bulk("new"));
  EXPECT_EQ(client_.Run({"GETDEL", "cold:9"}), Bulk(ValueFor(9)));
  EXPECT_EQ(client_.Run({"GET", "cold:9"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"STRLEN", "cold:10"}), ":" + std::to_string(ValueFor(10).size()) + "\r\n");
}

TEST_F(StringCommandsTest, PipelinedRepliesKeepTheirOrderAcrossShards) {
  std::string batch;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "p:" + std::to_string(i % 17);
    batch += EncodeCommand({"INCR", key});
    batch += EncodeCommand({"GET", key});
  }
  client_.Send(batch);
  std::vector<int> counts(17, 0);
  for (int i = 0; i < 300; ++i) {
    const int value = ++counts[i % 17];
    ASSERT_EQ(client_.ReadReply(), ":" + std::to_string(value) + "\r\n") << i;
    ASSERT_EQ(client_.ReadReply(), Bulk(std::to_string(value))) << i;
  }
}

TEST_F(StringCommandsTest, SetOptionsAndConditions) {
  EXPECT_EQ(client_.Run({"SET", "s", "1", "NX"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"SET", "s", "2", "NX"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"SET", "s", "3", "XX", "GET"}), Bulk("1"));
  EXPECT_EQ(client_.Run({"SET", "none", "3", "XX"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"SET", "s", "4", "PX", "100000"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"SET", "s", "5", "KEEPTTL"}), "+OK\r\n");
  const std::string pttl = client_.Run({"PTTL", "s"});
  EXPECT_NE(pttl, ":-1\r\n") << "KEEPTTL kept it";
  EXPECT_EQ(client_.Run({"SET", "s", "6"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"PTTL", "s"}), ":-1\r\n") << "a plain SET drops it";
  EXPECT_EQ(client_.Run({"SET", "s", "7", "EXAT", "1"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"GET", "s"}), "$-1\r\n") << "an expiry in the past";
  EXPECT_EQ(client_.Run({"SET", "s", "v", "EX", "0"}),
            "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(client_.Run({"SETEX", "s", "-1", "v"}),
            "-ERR invalid expire time in 'setex' command\r\n");
  EXPECT_EQ(client_.Run({"MSET", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
}

TEST_F(StringCommandsTest, MultiKeyCommandsSpanShards) {
  EXPECT_EQ(client_.Run({"MSET", "m1", "a", "m2", "b", "m3", "c", "m4", "d"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"MGET", "m1", "m2", "none", "m3", "m4"}),
            "*5\r\n" + Bulk("a") + Bulk("b") + "$-1\r\n" + Bulk("c") + Bulk("d"));
  EXPECT_EQ(client_.Run({"MSETNX", "m1", "x", "m5", "y"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"GET", "m5"}), "$-1\r\n") << "MSETNX wrote nothing";
  EXPECT_EQ(client_.Run({"MSETNX", "m5", "y", "m6", "z"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"MGET", "m5", "m6"}), "*2\r\n" + Bulk("y") + Bulk("z"));
  EXPECT_EQ(client_.Run({"SET", "lcs1", "ohmytext"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"SET", "lcs2", "mynewtext"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"LCS", "lcs1", "lcs2"}), Bulk("mytext"));
  EXPECT_EQ(client_.Run({"LCS", "lcs1", "lcs2", "LEN"}), ":6\r\n");
}

TEST_F(StringCommandsTest, AValueLargerThanAPageIsRefused) {
  const std::string big(300 << 10, 'x');  // pages are 256 KiB here
  const std::string reply = client_.Run({"SET", "big", big});
  EXPECT_EQ(reply.rfind("-ERR value too large for the log page (storage.page_size)", 0), 0u)
      << reply;
  EXPECT_EQ(client_.Run({"GET", "big"}), "$-1\r\n");
}

}  // namespace
}  // namespace ferrite
