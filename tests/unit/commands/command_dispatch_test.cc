#include "commands/command_dispatch.h"

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace ferrite {
namespace {

std::string Unknown(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> list(args);
  return UnknownCommandError(list);
}

TEST(UnknownCommandErrorTest, QuotesEachArgument) {
  EXPECT_EQ(Unknown({"foo"}), "ERR unknown command 'foo', with args beginning with: ");
  EXPECT_EQ(Unknown({"foo", "a", ""}),
            "ERR unknown command 'foo', with args beginning with: 'a' '' ");
}

TEST(UnknownCommandErrorTest, StopsAtNulAndLimitsLength) {
  EXPECT_EQ(Unknown({std::string_view("fo\0o", 4), std::string_view("x\0y", 3)}),
            "ERR unknown command 'fo', with args beginning with: 'x' ");
  std::string long_name(200, 'n');
  std::string error = Unknown({long_name});
  EXPECT_NE(error.find("'" + std::string(128, 'n') + "'"), std::string::npos);
  std::string long_arg(300, 'a');
  error = Unknown({"f", long_arg, "b"});
  // The argument list stops growing once it reaches 128 bytes.
  EXPECT_EQ(error,
            "ERR unknown command 'f', with args beginning with: '" + std::string(128, 'a') + "' ");
  std::vector<std::string> many(100, "xy");
  std::vector<std::string_view> args = {"f"};
  args.insert(args.end(), many.begin(), many.end());
  error = UnknownCommandError(args);
  size_t quoted = error.size() - error.find(": ") - 2;
  EXPECT_EQ(quoted, 130u) << "26 arguments of 5 bytes, then the list is full";
}

TEST(DispatchOrderTest, DebugGateComesBeforeAuthAndMonitorChecksAfter) {
  // Through a server: a protected command is refused before NOAUTH, a monitor's
  // keyspace command after the arity check.
  ServerConfig config = testing::TestConfig();
  config.requirepass = "pw";
  testing::TestServer server(config);
  testing::TestClient client(server.port());
  EXPECT_EQ(client.Run({"DEBUG", "SLEEP", "0"}).rfind("-ERR DEBUG command not allowed.", 0), 0u);
  EXPECT_EQ(client.Run({"DEBUG"}), "-ERR wrong number of arguments for 'debug' command\r\n");
  EXPECT_EQ(client.Run({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  ASSERT_EQ(client.Run({"AUTH", "pw"}), "+OK\r\n");
  ASSERT_EQ(client.Run({"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(client.Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(client.Run({"GET", "k"}), "-ERR Replica can't interact with the keyspace\r\n");
}

}  // namespace
}  // namespace ferrite
