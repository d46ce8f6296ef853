// CLIENT subcommands against a real in-process server with two workers, so that
// listing and killing cross threads.
#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

int64_t IntegerReply(const std::string& reply) {
  EXPECT_EQ(reply.front(), ':') << reply;
  return ParseStrictInt64(std::string_view(reply).substr(1, reply.size() - 3)).value_or(-1);
}

std::string BulkBody(const std::string& reply) {
  size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

class ClientCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(ClientCommandsTest, IdsAreUniqueAndIncreasing) {
  int64_t first = IntegerReply(client_.Run({"CLIENT", "ID"}));
  TestClient other(server_.port());
  int64_t second = IntegerReply(other.Run({"CLIENT", "ID"}));
  EXPECT_GT(second, first);
}

TEST_F(ClientCommandsTest, SetNameAndGetName) {
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "SETNAME", "app-1"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$5\r\napp-1\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "SETNAME", "has space"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "SETNAME", "\xc3\xa9"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "SETNAME", ""}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
}

TEST_F(ClientCommandsTest, ListShowsClientsOfEveryWorker) {
  client_.Run({"CLIENT", "SETNAME", "lister"});
  std::vector<std::unique_ptr<TestClient>> others;
  for (int i = 0; i < 5; ++i) {
    others.push_back(std::make_unique<TestClient>(server_.port()));
    others.back()->Run({"CLIENT", "SETNAME", "other-" + std::to_string(i)});
  }
  std::string list = BulkBody(client_.Run({"CLIENT", "LIST"}));
  EXPECT_NE(list.find("name=lister "), std::string::npos) << list;
  for (int i = 0; i < 5; ++i) {
    EXPECT_NE(list.find("name=other-" + std::to_string(i) + " "), std::string::npos) << list;
  }
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 6);
  EXPECT_NE(list.find("cmd=client|list "), std::string::npos);
  EXPECT_NE(list.find(" flags=N "), std::string::npos);
  EXPECT_NE(list.find(" user=default redir=-1 resp=2\n"), std::string::npos);
}

TEST_F(ClientCommandsTest, ListFilters) {
  TestClient other(server_.port());
  int64_t mine = IntegerReply(client_.Run({"CLIENT", "ID"}));
  int64_t theirs = IntegerReply(other.Run({"CLIENT", "ID"}));
  std::string list = BulkBody(client_.Run(
      {"CLIENT", "LIST", "ID", std::to_string(theirs), "999999", std::to_string(mine)}));
  size_t their_line = list.find("id=" + std::to_string(theirs) + " ");
  size_t my_line = list.find("id=" + std::to_string(mine) + " ");
  ASSERT_NE(their_line, std::string::npos);
  ASSERT_NE(my_line, std::string::npos);
  EXPECT_LT(their_line, my_line) << "ID-filtered clients come in the order asked";
  EXPECT_EQ(client_.Run({"CLIENT", "LIST", "TYPE", "pubsub"}), "$0\r\n\r\n");
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 2);
  EXPECT_EQ(client_.Run({"CLIENT", "LIST", "TYPE", "bogus"}),
            "-ERR Unknown client type 'bogus'\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "LIST", "ID", "x"}), "-ERR Invalid client ID\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "LIST", "FOO"}), "-ERR syntax error\r\n");
}

TEST_F(ClientCommandsTest, InfoDescribesThisConnection) {
  int64_t id = IntegerReply(client_.Run({"CLIENT", "ID"}));
  std::string info = BulkBody(client_.Run({"CLIENT", "INFO"}));
  EXPECT_EQ(info.rfind("id=" + std::to_string(id) + " addr=127.0.0.1:", 0), 0u) << info;
  EXPECT_NE(info.find(" laddr=127.0.0.1:" + std::to_string(server_.port()) + " "),
            std::string::npos);
  EXPECT_EQ(info.back(), '\n');
  client_.Run({"CLIENT", "SETNAME", "x"});
  info = BulkBody(client_.Run({"CLIENT", "INFO"}));
  EXPECT_NE(info.find(" cmd=client|info "), std::string::npos)
      << "recorded before it runs: " << info;
}

TEST_F(ClientCommandsTest, KillById) {
  TestClient victim(server_.port());
  int64_t victim_id = IntegerReply(victim.Run({"CLIENT", "ID"}));
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "ID", std::to_string(victim_id)}), ":1\r\n");
  EXPECT_TRUE(victim.ClosedByServer());
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "ID", std::to_string(victim_id)}), ":0\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "ID", "0"}),
            "-ERR client-id should be greater than 0\r\n");
}

TEST_F(ClientCommandsTest, KillByAddressOldForm) {
  TestClient victim(server_.port());
  std::string info = BulkBody(victim.Run({"CLIENT", "INFO"}));
  size_t start = info.find("addr=") + 5;
  std::string addr = info.substr(start, info.find(' ', start) - start);
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", addr}), "+OK\r\n");
  EXPECT_TRUE(victim.ClosedByServer());
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "1.2.3.4:5"}), "-ERR No such client\r\n");
}

TEST_F(ClientCommandsTest, KillSkipsCallerUnlessAsked) {
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "TYPE", "normal"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  client_.Send(testing::EncodeCommand({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}));
  EXPECT_EQ(client_.ReadUntilClosed(), ":1\r\n") << "the reply comes before the close";
}

TEST_F(ClientCommandsTest, KillSyntaxErrors) {
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "ID", "1", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "FOO", "bar"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "SKIPME", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "USER", "bob"}), "-ERR No such user 'bob'\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "KILL", "TYPE", "x"}), "-ERR Unknown client type 'x'\r\n");
}

TEST_F(ClientCommandsTest, ReplyOffSkipOn) {
  client_.Send(testing::EncodeCommand({"CLIENT", "REPLY", "OFF"}) +
               testing::EncodeCommand({"PING"}) + testing::EncodeCommand({"ECHO", "hidden"}) +
               testing::EncodeCommand({"CLIENT", "REPLY", "ON"}));
  EXPECT_EQ(client_.ReadReply(), "+OK\r\n");
  client_.Send(testing::EncodeCommand({"CLIENT", "REPLY", "SKIP"}) +
               testing::EncodeCommand({"ECHO", "skipped"}) +
               testing::EncodeCommand({"ECHO", "shown"}));
  EXPECT_EQ(client_.ReadReply(), "$5\r\nshown\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "REPLY", "MAYBE"}), "-ERR syntax error\r\n");
}

TEST_F(ClientCommandsTest, UnknownSubcommandAndHelp) {
  EXPECT_EQ(client_.Run({"CLIENT", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(client_.Run({"client", "foo", "bar"}),
            "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(client_.Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  std::string help = client_.Run({"CLIENT", "HELP"});
  EXPECT_EQ(help.front(), '*');
  EXPECT_NE(help.find("+SETNAME <name>\r\n"), std::string::npos);
  EXPECT_EQ(client_.Run({"CLIENT", "GETREDIR"}), ":-1\r\n");
}

}  // namespace
}  // namespace ferrite
