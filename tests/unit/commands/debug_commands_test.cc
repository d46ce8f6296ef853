// DEBUG: the enable-debug-command gate, SLEEP, HELP and unknown subcommands.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

const std::string kRefused =
    "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.\r\n";

ServerConfig WithDebug(ProtectedCommandAccess access) {
  ServerConfig config = TestConfig();
  config.enable_debug_command = access;
  return config;
}

TEST(DebugCommandsTest, RefusedByDefault) {
  TestServer server;
  TestClient client(server.port());
  EXPECT_EQ(client.Run({"DEBUG", "SLEEP", "0"}), kRefused);
  EXPECT_EQ(client.Run({"DEBUG", "NOSUCH"}), kRefused);
  EXPECT_EQ(client.Run({"DEBUG"}), "-ERR wrong number of arguments for 'debug' command\r\n");
  EXPECT_EQ(client.Run({"CONFIG", "SET", "enable-debug-command", "yes"}),
            "-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - "
            "can't set immutable config\r\n");
  EXPECT_EQ(client.Run({"CONFIG", "GET", "enable-debug-command"}),
            "*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n");
}

TEST(DebugCommandsTest, RefusedBeforeAuthentication) {
  ServerConfig config = TestConfig();
  config.requirepass = "secret";
  TestServer server(config);
  TestClient client(server.port());
  EXPECT_EQ(client.Run({"DEBUG", "SLEEP", "0"}), kRefused);
}

TEST(DebugCommandsTest, LocalAllowsLoopbackClients) {
  TestServer server(WithDebug(ProtectedCommandAccess::kLocal));
  TestClient client(server.port());
  EXPECT_EQ(client.Run({"DEBUG", "SLEEP", "0"}), "+OK\r\n");
  EXPECT_EQ(client.Run({"CONFIG", "GET", "enable-debug-command"}),
            "*2\r\n$20\r\nenable-debug-command\r\n$5\r\nlocal\r\n");
}

class DebugEnabledTest : public ::testing::Test {
 protected:
  TestServer server_{WithDebug(ProtectedCommandAccess::kYes)};
  TestClient client_{server_.port()};
};

TEST_F(DebugEnabledTest, SleepBlocksForFractionalSeconds) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client_.Run({"DEBUG", "SLEEP", "0.15"}), "+OK\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}

TEST_F(DebugEnabledTest, SleepReadsSecondsAsStrtod) {
  for (const char* junk : {"0", "abc", "-5", "nan", "-inf", "1e400", ""}) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client_.Run({"debug", "sleep", junk}), "+OK\r\n") << junk;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << junk;
  }
}

TEST_F(DebugEnabledTest, SleepHoldsUpOtherClientsOfTheWorker) {
  // Clients are dealt to the two workers in turn: the third shares the first's worker.
  TestClient second(server_.port());
  TestClient third(server_.port());
  client_.Send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.3\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(second.Run({"PING"}), "+PONG\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ(third.Run({"PING"}), "+PONG\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ(client_.ReadReply(), "+OK\r\n");
}

TEST_F(DebugEnabledTest, UnknownSubcommandsAndWordCounts) {
  EXPECT_EQ(client_.Run({"DEBUG", "nosuch"}),
            "-ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(client_.Run({"debug", "SLEEP"}),
            "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(client_.Run({"DEBUG", "SLEEP", "0", "1"}),
            "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(client_.Run({"DEBUG", "HELP", "x"}),
            "-ERR unknown subcommand or wrong number of arguments for 'HELP'. Try DEBUG "
            "HELP.\r\n");
}

TEST_F(DebugEnabledTest, Help) {
  EXPECT_EQ(client_.Run({"debug", "help"}),
            "*5\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+SLEEP <seconds>\r\n+    Stop the server for <seconds>. Decimals allowed.\r\n"
            "+HELP\r\n+    Prints this help.\r\n");
}

}  // namespace
}  // namespace ferrite
