// Commands over keys of several shards are atomic: concurrent clients writing the same
// keys with MSET never let a reader's MGET see a mix, and of clients racing MSETNX on
// the same fresh keys exactly one wins. Work on one key applies in arrival order.
#include "commands/key_dispatch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::EncodeCommand;
using testing::TestClient;
using testing::TestServer;

// The bulk strings of an array reply (nil as "<nil>").
std::vector<std::string> ArrayItems(const std::string& reply) {
  std::vector<std::string> items;
  size_t pos = reply.find("\r\n") + 2;
  while (pos < reply.size()) {
    if (reply.compare(pos, 5, "$-1\r\n") == 0) {
      items.push_back("<nil>");
      pos += 5;
      continue;
    }
    const size_t end = reply.find("\r\n", pos);
    const size_t length = std::stoul(reply.substr(pos + 1, end - pos - 1));
    items.push_back(reply.substr(end + 2, length));
    pos = end + 2 + length + 2;
  }
  return items;
}

TEST(KeyDispatchTest, ReadersNeverSeeHalfOfAnMset) {
  TestServer server;
  const std::vector<std::string> keys = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < 3; ++writer) {
    threads.emplace_back([&, writer] {
      TestClient client(server.port());
      for (int round = 0; round < 300; ++round) {
        std::vector<std::string> args = {"MSET"};
        const std::string value = std::to_string(writer) + ":" + std::to_string(round);
        for (const std::string& key : keys) {
          args.push_back(key);
          args.push_back(value);
        }
        client.Send(EncodeCommand(args));
        EXPECT_EQ(client.ReadReply(), "+OK\r\n");
      }
    });
  }
  for (int reader = 0; reader < 2; ++reader) {
    threads.emplace_back([&] {
      TestClient client(server.port());
      std::vector<std::string> args = {"MGET"};
      args.insert(args.end(), keys.begin(), keys.end());
      while (!stop.load()) {
        client.Send(EncodeCommand(args));
        std::vector<std::string> values = ArrayItems(client.ReadReply());
        if (std::set<std::string>(values.begin(), values.end()).size() != 1) ++mixed;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 3; ++i) threads[i].join();
  stop = true;
  for (size_t i = 3; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

TEST(KeyDispatchTest, ExactlyOneMsetnxWinsARace) {
  TestServer server;
  for (int round = 0; round < 20; ++round) {
    const std::string a = "race:a:" + std::to_string(round);
    const std::string b = "race:b:" + std::to_string(round);
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int client_index = 0; client_index < 4; ++client_index) {
      threads.emplace_back([&, client_index] {
        TestClient client(server.port());
        const std::string value = std::to_string(client_index);
        if (client.Run({"MSETNX", a, value, b, value}) == ":1\r\n") ++wins;
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(wins.load(), 1) << round;
    TestClient check(server.port());
    std::vector<std::string> values = ArrayItems(check.Run({"MGET", a, b}));
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], values[1]);
  }
}

TEST(KeyDispatchTest, RenameAcrossShardsMovesTheValueAtomically) {
  TestServer server;
  TestClient client(server.port());
  // Twenty pairs: some land on one shard, most pairs on two.
  for (int i = 0; i < 20; ++i) {
    const std::string from = "from:" + std::to_string(i);
    const std::string to = "to:" + std::to_string(i);
    ASSERT_EQ(client.Run({"SET", from, "payload", "EX", "1000"}), "+OK\r\n");
    ASSERT_EQ(client.Run({"RENAME", from, to}), "+OK\r\n");
    EXPECT_EQ(client.Run({"GET", from}), "$-1\r\n");
    EXPECT_EQ(client.Run({"GET", to}), "$7\r\npayload\r\n");
    EXPECT_NE(client.Run({"TTL", to}), ":-1\r\n") << "the expiry moves with the value";
  }
  EXPECT_EQ(client.Run({"RENAME", "nosuch", "x"}), "-ERR no such key\r\n");
}

}  // namespace
}  // namespace ferrite
