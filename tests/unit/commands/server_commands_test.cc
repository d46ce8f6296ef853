// INFO, TIME, CONFIG and SHUTDOWN against a real in-process server.
#include <gtest/gtest.h>
#include <sys/time.h>

#include <thread>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

std::string BulkBody(const std::string& reply) {
  size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

class ServerCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(ServerCommandsTest, InfoDefaultSections) {
  std::string info = BulkBody(client_.Run({"INFO"}));
  for (const char* header : {"# Server\r\n", "# Clients\r\n", "# Stats\r\n", "# Replication\r\n",
                             "# CPU\r\n", "# Errorstats\r\n", "# Keyspace\r\n"}) {
    EXPECT_NE(info.find(header), std::string::npos) << header;
  }
  EXPECT_EQ(info.find("# Commandstats"), std::string::npos);
  EXPECT_NE(info.find("redis_version:7.0.15\r\n"), std::string::npos);
  EXPECT_NE(info.find("tcp_port:" + std::to_string(server_.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(info.find("connected_clients:1\r\n"), std::string::npos);
  EXPECT_NE(info.find("\r\n\r\n# Clients\r\n"), std::string::npos) << "blank line between sections";
}

TEST_F(ServerCommandsTest, InfoSelectedSections) {
  std::string clients = BulkBody(client_.Run({"INFO", "clients"}));
  EXPECT_EQ(clients.rfind("# Clients\r\n", 0), 0u);
  EXPECT_EQ(clients.find("# Server"), std::string::npos);
  std::string two = BulkBody(client_.Run({"INFO", "SERVER", "stats"}));
  EXPECT_NE(two.find("# Server"), std::string::npos);
  EXPECT_NE(two.find("# Stats"), std::string::npos);
  EXPECT_EQ(client_.Run({"INFO", "nosuchsection"}), "$0\r\n\r\n");
  std::string all = BulkBody(client_.Run({"INFO", "all"}));
  EXPECT_NE(all.find("# Commandstats\r\ncmdstat_"), std::string::npos);
}

TEST_F(ServerCommandsTest, InfoCountsCommandsAndErrors) {
  client_.Run({"PING"});
  client_.Run({"NOSUCHCOMMAND"});
  client_.Run({"ECHO"});
  client_.Run({"SELECT", "99"});
  std::string info = BulkBody(client_.Run({"INFO", "commandstats", "errorstats"}));
  EXPECT_NE(info.find("cmdstat_ping:calls=1,"), std::string::npos) << info;
  EXPECT_NE(
      info.find("cmdstat_echo:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"),
      std::string::npos)
      << info;
  EXPECT_NE(info.find("cmdstat_select:calls=1,"), std::string::npos);
  EXPECT_NE(info.find(",rejected_calls=0,failed_calls=1\r\n"), std::string::npos);
  EXPECT_NE(info.find("errorstat_ERR:count=3\r\n"), std::string::npos) << info;
  std::string stats = BulkBody(client_.Run({"INFO", "stats"}));
  EXPECT_NE(stats.find("total_error_replies:3\r\n"), std::string::npos) << stats;
  EXPECT_EQ(client_.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  stats = BulkBody(client_.Run({"INFO", "stats", "errorstats", "commandstats"}));
  EXPECT_NE(stats.find("total_error_replies:0\r\n"), std::string::npos) << stats;
  EXPECT_EQ(stats.find("errorstat_ERR"), std::string::npos);
  // As in Redis, RESETSTAT itself is counted after the reset; INFO only after it runs.
  EXPECT_NE(stats.find("total_commands_processed:1\r\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("cmdstat_config|resetstat:calls=1,"), std::string::npos) << stats;
  EXPECT_EQ(stats.find("cmdstat_ping"), std::string::npos) << stats;
}

TEST_F(ServerCommandsTest, TimeIsNow) {
  std::string reply = client_.Run({"TIME"});
  ASSERT_EQ(reply.rfind("*2\r\n$", 0), 0u) << reply;
  struct timeval now;
  gettimeofday(&now, nullptr);
  size_t first = reply.find("\r\n", 4) + 2;
  long seconds = std::stol(reply.substr(first, reply.find("\r\n", first) - first));
  EXPECT_LE(std::abs(seconds - static_cast<long>(now.tv_sec)), 2);
}

TEST_F(ServerCommandsTest, ConfigGetAndSet) {
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "maxclients", "500", "timeout", "30"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$3\r\n500\r\n");
  // The other worker sees the new values as soon as the SET is acknowledged.
  TestClient other(server_.port());
  EXPECT_EQ(other.Run({"CONFIG", "GET", "timeout"}), "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "nosuch*"}), "*0\r\n");
  std::string many = client_.Run({"CONFIG", "GET", "*max*", "timeout"});
  EXPECT_NE(many.find("maxclients"), std::string::npos);
  EXPECT_NE(many.find("proto-max-bulk-len"), std::string::npos);
  EXPECT_NE(many.find("timeout"), std::string::npos);
}

TEST_F(ServerCommandsTest, ConfigSetErrorsChangeNothing) {
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "maxclients", "100", "timeout", "-1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
            "between 0 and 2147483647 inclusive\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "foo", "1"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "databases", "3"}),
            "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "maxclients", "1", "maxclients", "2"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate "
            "parameter\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "maxclients", "1", "timeout"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "maxclients"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
}

TEST_F(ServerCommandsTest, ConfigSetLogLevelAndOutputLimits) {
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "loglevel", "warning"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "loglevel", "notice"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 512kb 10"}),
            "+OK\r\n");
  EXPECT_EQ(client_.Run({"CONFIG", "GET", "client-output-buffer-limit"}),
            "*2\r\n$26\r\nclient-output-buffer-limit\r\n$79\r\nnormal 1048576 524288 10 slave "
            "268435456 67108864 60 pubsub 33554432 8388608 60\r\n");
}

TEST_F(ServerCommandsTest, ShutdownArguments) {
  EXPECT_EQ(client_.Run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_EQ(client_.Run({"SHUTDOWN", "SAVE", "NOSAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"SHUTDOWN", "ABORT", "NOW"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"SHUTDOWN", "LATER"}), "-ERR syntax error\r\n");
  EXPECT_FALSE(server_.server().shutdown_requested());
  client_.Send(testing::EncodeCommand({"SHUTDOWN", "NOSAVE"}));
  EXPECT_EQ(client_.ReadUntilClosed(), "") << "a successful SHUTDOWN sends no reply";
  EXPECT_TRUE(server_.server().shutdown_requested());
}

}  // namespace
}  // namespace ferrite
