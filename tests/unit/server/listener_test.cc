#include "server/listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

TEST(FormatSocketAddressTest, FormatsLikeRedis) {
  struct sockaddr_in v4 = {};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(6379);
  inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
  EXPECT_EQ(FormatSocketAddress(reinterpret_cast<struct sockaddr*>(&v4)), "127.0.0.1:6379");
  struct sockaddr_in6 v6 = {};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(7000);
  inet_pton(AF_INET6, "::1", &v6.sin6_addr);
  EXPECT_EQ(FormatSocketAddress(reinterpret_cast<struct sockaddr*>(&v6)), "[::1]:7000");
}

TEST(ListenerTest, BindFailuresNameTheAddress) {
  TestServer first;
  ServerConfig config = TestConfig();
  config.port = first.port();
  Server second(config);
  Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("127.0.0.1:" + std::to_string(first.port())), std::string_view::npos)
      << status.message();
  EXPECT_NE(status.message().find("Address already in use"), std::string_view::npos);

  config.bind = {"not-an-address"};
  Server third(config);
  EXPECT_EQ(third.Start().message(), "Invalid bind address 'not-an-address'");
}

TEST(ListenerTest, SeveralAddressesShareTheChosenPort) {
  ServerConfig config = TestConfig();
  config.bind = {"127.0.0.1", "::1"};
  TestServer server(config);
  TestClient v4(server.port());
  EXPECT_EQ(v4.Run({"PING"}), "+PONG\r\n");
}

TEST(ListenerTest, ClientsBeyondMaxclientsAreTurnedAway) {
  ServerConfig config = TestConfig();
  config.maxclients = 2;
  TestServer server(config);
  TestClient one(server.port());
  TestClient two(server.port());
  EXPECT_EQ(one.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(two.Run({"PING"}), "+PONG\r\n");
  TestClient three(server.port());
  EXPECT_EQ(three.ReadUntilClosed(), "-ERR max number of clients reached\r\n");
  std::string stats = one.Run({"INFO", "stats"});
  EXPECT_NE(stats.find("rejected_connections:1\r\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("total_connections_received:2\r\n"), std::string::npos) << stats;
}

}  // namespace
}  // namespace ferrite
