// SLOWLOG GET/LEN/RESET/HELP replies and errors against a real in-process server.
#include <gtest/gtest.h>

#include <string>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class SlowlogCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "+OK\r\n");
    ASSERT_EQ(client_.Run({"SLOWLOG", "RESET"}), "+OK\r\n");
  }

  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(SlowlogCommandsTest, LenCountsEntries) {
  // SLOWLOG RESET was itself logged once it ran.
  EXPECT_EQ(client_.Run({"SLOWLOG", "LEN"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"SLOWLOG", "LEN"}), ":2\r\n");
}

TEST_F(SlowlogCommandsTest, GetRepliesWithSixFieldEntries) {
  client_.Run({"ECHO", "hello"});
  std::string reply = client_.Run({"SLOWLOG", "GET", "1"});
  // *1 entry: id, time, duration, argv, address, name.
  ASSERT_EQ(reply.rfind("*1\r\n*6\r\n:", 0), 0u) << reply;
  EXPECT_NE(reply.find("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n$"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\n127.0.0.1:"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 6), "$0\r\n\r\n") << "no client name";
}

TEST_F(SlowlogCommandsTest, GetCount) {
  for (int i = 0; i < 12; ++i) client_.Run({"PING"});
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET"}).rfind("*10\r\n", 0), 0u) << "ten by default";
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET", "0"}), "*0\r\n");
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET", "-1"}).rfind("*15\r\n", 0), 0u) << "-1: all";
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET", "3"}).rfind("*3\r\n", 0), 0u);
}

TEST_F(SlowlogCommandsTest, Errors) {
  const std::string bad_count = "-ERR count should be greater than or equal to -1\r\n";
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET", "-2"}), bad_count);
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET", "abc"}), bad_count);
  EXPECT_EQ(client_.Run({"SLOWLOG", "GET", "1", "2"}),
            "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG "
            "HELP.\r\n");
  EXPECT_EQ(client_.Run({"SLOWLOG", "LEN", "x"}),
            "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  EXPECT_EQ(client_.Run({"SLOWLOG", "NOSUCH"}),
            "-ERR unknown subcommand 'NOSUCH'. Try SLOWLOG HELP.\r\n");
  EXPECT_EQ(client_.Run({"SLOWLOG"}), "-ERR wrong number of arguments for 'slowlog' command\r\n");
}

TEST_F(SlowlogCommandsTest, Help) {
  std::string reply = client_.Run({"slowlog", "help"});
  EXPECT_EQ(reply.rfind("*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
                        "\r\n+GET [<count>]\r\n",
                        0),
            0u)
      << reply;
  EXPECT_NE(reply.find("+HELP\r\n+    Prints this help.\r\n"), std::string::npos);
}

TEST_F(SlowlogCommandsTest, MaxLenBoundsTheLog) {
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "slowlog-max-len", "3"}), "+OK\r\n");
  for (int i = 0; i < 5; ++i) client_.Run({"PING"});
  EXPECT_EQ(client_.Run({"SLOWLOG", "LEN"}), ":3\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "slowlog-max-len"}),
            "*2\r\n$15\r\nslowlog-max-len\r\n$1\r\n3\r\n");
}

}  // namespace
}  // namespace ferrite
