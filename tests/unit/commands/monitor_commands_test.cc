// MONITOR: its reply, what a monitor may still run, and RESET.
#include <gtest/gtest.h>

#include <string>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class MonitorCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(MonitorCommandsTest, MonitorSeesItsOwnCommandsAfterTheirReplies) {
  ASSERT_EQ(client_.Run({"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  std::string line = client_.ReadReply();
  EXPECT_NE(line.find(" [0 127.0.0.1:"), std::string::npos) << line;
  EXPECT_EQ(line.substr(line.size() - 10), "] \"PING\"\r\n") << line;
  // SELECT is shown with the database it selected.
  EXPECT_EQ(client_.Run({"SELECT", "2"}), "+OK\r\n");
  EXPECT_NE(client_.ReadReply().find(" [2 127.0.0.1:"), std::string::npos);
}

TEST_F(MonitorCommandsTest, MonitorMayNotTouchKeys) {
  ASSERT_EQ(client_.Run({"MONITOR"}), "+OK\r\n");
  const std::string refused = "-ERR Replica can't interact with the keyspace\r\n";
  EXPECT_EQ(client_.Run({"GET", "k"}), refused);
  EXPECT_EQ(client_.Run({"SET", "k", "v"}), refused);
  EXPECT_EQ(client_.Run({"DBSIZE"}), refused);
  // Arity errors come first, as in Redis.
  EXPECT_EQ(client_.Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  std::string info = client_.Run({"CLIENT", "INFO"});
  EXPECT_NE(info.find(" flags=O "), std::string::npos) << info;
  EXPECT_NE(info.find(" cmd=client|info "), std::string::npos) << info;
}

TEST_F(MonitorCommandsTest, SecondMonitorHasNoReply) {
  ASSERT_EQ(client_.Run({"MONITOR"}), "+OK\r\n");
  client_.Send("*1\r\n$7\r\nMONITOR\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n");
  EXPECT_EQ(client_.ReadReply(), "$1\r\nx\r\n");
}

TEST_F(MonitorCommandsTest, ResetEndsMonitoring) {
  ASSERT_EQ(client_.Run({"MONITOR"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(client_.Run({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(client_.Run({"ECHO", "only replies"}), "$12\r\nonly replies\r\n");
}

TEST_F(MonitorCommandsTest, Arity) {
  EXPECT_EQ(client_.Run({"MONITOR", "x"}),
            "-ERR wrong number of arguments for 'monitor' command\r\n");
}

}  // namespace
}  // namespace ferrite
