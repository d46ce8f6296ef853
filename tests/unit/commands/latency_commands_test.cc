// LATENCY LATEST/HISTORY/RESET/HISTOGRAM/DOCTOR/HELP against a real in-process server.
#include <gtest/gtest.h>

#include <string>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

ServerConfig DebugEnabled() {
  ServerConfig config = TestConfig();
  config.enable_debug_command = ProtectedCommandAccess::kYes;
  return config;
}

class LatencyCommandsTest : public ::testing::Test {
 protected:
  TestServer server_{DebugEnabled()};
  TestClient client_{server_.port()};
};

TEST_F(LatencyCommandsTest, NoEventsWhileOff) {
  client_.Run({"DEBUG", "SLEEP", "0.01"});
  EXPECT_EQ(client_.Run({"LATENCY", "LATEST"}), "*0\r\n");
  EXPECT_EQ(client_.Run({"LATENCY", "HISTORY", "command"}), "*0\r\n");
  EXPECT_EQ(client_.Run({"LATENCY", "RESET"}), ":0\r\n");
  std::string doctor = client_.Run({"LATENCY", "DOCTOR"});
  EXPECT_NE(doctor.find("latency-monitor-threshold is 0"), std::string::npos) << doctor;
}

TEST_F(LatencyCommandsTest, LatestHistoryAndReset) {
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "latency-monitor-threshold", "5"}), "+OK\r\n");
  client_.Run({"DEBUG", "SLEEP", "0.01"});
  std::string latest = client_.Run({"LATENCY", "LATEST"});
  ASSERT_EQ(latest.rfind("*1\r\n*4\r\n$7\r\ncommand\r\n:", 0), 0u) << latest;
  std::string history = client_.Run({"LATENCY", "HISTORY", "command"});
  EXPECT_EQ(history.rfind("*1\r\n*2\r\n:", 0), 0u) << history;
  std::string doctor = client_.Run({"LATENCY", "DOCTOR"});
  EXPECT_NE(doctor.find("1. command: 1 latency spikes"), std::string::npos) << doctor;
  EXPECT_EQ(client_.Run({"LATENCY", "RESET", "nosuch", "command", "command"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"LATENCY", "LATEST"}), "*0\r\n");
}

TEST_F(LatencyCommandsTest, HistogramOfNamedCommands) {
  client_.Run({"PING"});
  client_.Run({"PING"});
  client_.Run({"CONFIG", "GET", "port"});
  // PING ran twice in well under a microsecond-scale bucket's worth of time; the exact
  // bucket depends on the machine, so only the shape is checked.
  std::string reply = client_.Run({"LATENCY", "HISTOGRAM", "ping", "nosuch", "echo"});
  ASSERT_EQ(
      reply.rfind("*2\r\n$4\r\nping\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n*", 0),
      0u)
      << reply;
  // A container brings its subcommands.
  reply = client_.Run({"LATENCY", "HISTOGRAM", "CONFIG"});
  EXPECT_EQ(reply.rfind("*2\r\n$10\r\nconfig|get\r\n", 0), 0u) << reply;
  EXPECT_EQ(client_.Run({"LATENCY", "HISTOGRAM", "echo"}), "*0\r\n");
  ASSERT_EQ(client_.Run({"HELLO", "3"}).rfind("%7", 0), 0u);
  reply = client_.Run({"LATENCY", "HISTOGRAM", "ping"});
  EXPECT_EQ(
      reply.rfind("%1\r\n$4\r\nping\r\n%2\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n%", 0),
      0u)
      << reply;
}

TEST_F(LatencyCommandsTest, HistogramOff) {
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "latency-tracking", "no"}), "+OK\r\n");
  client_.Run({"PING"});
  EXPECT_EQ(client_.Run({"LATENCY", "HISTOGRAM", "ping"}), "*0\r\n");
}

TEST_F(LatencyCommandsTest, Errors) {
  EXPECT_EQ(client_.Run({"LATENCY", "HISTORY"}),
            "-ERR wrong number of arguments for 'latency|history' command\r\n");
  EXPECT_EQ(client_.Run({"LATENCY", "FOO"}),
            "-ERR unknown subcommand 'FOO'. Try LATENCY HELP.\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "latency-monitor-threshold", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'latency-monitor-threshold') - "
            "argument must be between 0 and 9223372036854775807 inclusive\r\n");
  std::string help = client_.Run({"LATENCY", "HELP"});
  EXPECT_EQ(help.rfind("*15\r\n+LATENCY <subcommand>", 0), 0u) << help;
}

}  // namespace
}  // namespace ferrite
