// OBJECT ENCODING, REFCOUNT, IDLETIME, FREQ and HELP on a real server with two shards.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class ObjectCommandsTest : public ::testing::Test {
 protected:
  std::string Encoding(const std::string& key) { return client_.Run({"OBJECT", "ENCODING", key}); }

  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(ObjectCommandsTest, EncodingFollowsTheBytes) {
  ASSERT_EQ(client_.Run({"MSET", "int", "-9223372036854775808", "lead", "01", "neg0", "-0", "short",
                         std::string(44, 'x'), "long", std::string(45, 'x'), "empty", ""}),
            "+OK\r\n");
  EXPECT_EQ(Encoding("int"), "$3\r\nint\r\n");
  EXPECT_EQ(Encoding("lead"), "$6\r\nembstr\r\n") << "not canonical";
  EXPECT_EQ(Encoding("neg0"), "$6\r\nembstr\r\n");
  EXPECT_EQ(Encoding("short"), "$6\r\nembstr\r\n");
  EXPECT_EQ(Encoding("long"), "$3\r\nraw\r\n");
  EXPECT_EQ(Encoding("empty"), "$6\r\nembstr\r\n");
  EXPECT_EQ(Encoding("nosuch"), "$-1\r\n");
  ASSERT_EQ(client_.Run({"SET", "gone", "1", "PX", "1"}), "+OK\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(Encoding("gone"), "$-1\r\n") << "an expired key is missing";
}

TEST_F(ObjectCommandsTest, SmallIntegersAreShared) {
  ASSERT_EQ(client_.Run(
                {"MSET", "zero", "0", "top", "9999", "big", "10000", "minus", "-1", "text", "abc"}),
            "+OK\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "REFCOUNT", "zero"}), ":2147483647\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "REFCOUNT", "top"}), ":2147483647\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "REFCOUNT", "big"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "REFCOUNT", "minus"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "REFCOUNT", "text"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "REFCOUNT", "nosuch"}), "$-1\r\n");
}

TEST_F(ObjectCommandsTest, AccessFiguresAreRefusedAsThePolicyDecides) {
  ASSERT_EQ(client_.Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "IDLETIME", "k"}),
            "-ERR Ferrite keeps no per-key access time, idle time not tracked.\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "FREQ", "k"}).substr(0, 44),
            "-ERR An LFU maxmemory policy is not selected");
  EXPECT_EQ(client_.Run({"OBJECT", "IDLETIME", "nosuch"}), "$-1\r\n");
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "maxmemory-policy"}),
            "*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lfu\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "FREQ", "k"}),
            "-ERR Ferrite keeps no per-key access counter, access frequency not tracked.\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "IDLETIME", "k"}).substr(0, 40),
            "-ERR An LFU maxmemory policy is selected");
  EXPECT_EQ(client_.Run({"OBJECT", "FREQ", "nosuch"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "maxmemory-policy", "lru"}).substr(0, 80),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argum");
}

TEST_F(ObjectCommandsTest, HelpAndErrors) {
  const std::string help = client_.Run({"OBJECT", "HELP"});
  EXPECT_EQ(help.substr(0, 5), "*15\r\n");
  EXPECT_NE(help.find("+REFCOUNT <key>\r\n"), std::string::npos);
  EXPECT_EQ(client_.Run({"OBJECT", "NOSUCH", "k"}),
            "-ERR unknown subcommand 'NOSUCH'. Try OBJECT HELP.\r\n");
  EXPECT_EQ(client_.Run({"OBJECT", "ENCODING"}),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n");
}

}  // namespace
}  // namespace ferrite
