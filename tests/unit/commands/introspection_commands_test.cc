// COMMAND and its subcommands against a real in-process server.
#include <gtest/gtest.h>

#include "commands/command_families.h"
#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class IntrospectionCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(IntrospectionCommandsTest, InfoMatchesRedisForPing) {
  // The bytes redis-server 7.0.15 sends for COMMAND INFO ping.
  EXPECT_EQ(client_.Run({"COMMAND", "INFO", "ping"}),
            "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n"
            "+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:"
            "all_succeeded\r\n*0\r\n*0\r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "INFO", "client|id"}),
            "*1\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n"
            ":0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
}

TEST_F(IntrospectionCommandsTest, InfoOfUnknownIsNull) {
  std::string reply = client_.Run({"COMMAND", "INFO", "nosuch", "echo"});
  EXPECT_EQ(reply.rfind("*2\r\n$-1\r\n*10\r\n$4\r\necho\r\n", 0), 0u) << reply;
  client_.Run({"HELLO", "3"});
  reply = client_.Run({"COMMAND", "INFO", "nosuch", "echo"});
  EXPECT_EQ(reply.rfind("*2\r\n_\r\n*10\r\n$4\r\necho\r\n:2\r\n~3\r\n", 0), 0u) << reply;
}

TEST_F(IntrospectionCommandsTest, CountAndListAgree) {
  std::string count = client_.Run({"COMMAND", "COUNT"});
  std::string info_all = client_.Run({"COMMAND"});
  EXPECT_EQ(info_all.rfind("*" + count.substr(1, count.size() - 3) + "\r\n", 0), 0u);
  std::string list = client_.Run({"COMMAND", "LIST"});
  EXPECT_NE(list.find("$11\r\nclient|list\r\n"), std::string::npos);
  EXPECT_NE(list.find("$4\r\nping\r\n"), std::string::npos);
  EXPECT_EQ(client_.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "cl*|l?st"}),
            "*1\r\n$11\r\nclient|list\r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}), "*0\r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}), "*0\r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "LIST", "FILTERBY", "foo", "x"}), "-ERR syntax error\r\n");
  std::string admin = client_.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "admin"});
  EXPECT_NE(admin.find("config|set"), std::string::npos);
  EXPECT_EQ(admin.find("$4\r\nping\r\n"), std::string::npos);
}

TEST_F(IntrospectionCommandsTest, DocsHaveRedisShape) {
  std::string docs = client_.Run({"COMMAND", "DOCS", "ping", "nosuch"});
  EXPECT_EQ(docs.rfind("*2\r\n$4\r\nping\r\n*10\r\n$7\r\nsummary\r\n", 0), 0u) << docs;
  EXPECT_NE(docs.find("$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n"
                      "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname"
                      "\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n"
                      "+optional\r\n"),
            std::string::npos)
      << docs;
  EXPECT_EQ(client_.Run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
}

TEST_F(IntrospectionCommandsTest, KeySpecNotesComeFirst) {
  // The bytes redis-server 7.0.15 sends for COMMAND INFO getex.
  EXPECT_EQ(client_.Run({"COMMAND", "INFO", "getex"}),
            "*1\r\n*10\r\n$5\r\ngetex\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            "*3\r\n+@write\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*8\r\n$5\r\nnotes\r\n$40\r\n"
            "RW and UPDATE because it changes the TTL\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n"
            "+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec"
            "\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\n"
            "range\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\n"
            "limit\r\n:0\r\n*0\r\n");
}

TEST_F(IntrospectionCommandsTest, DocsOfDeprecatedCommand) {
  std::string docs = client_.Run({"COMMAND", "DOCS", "getset"});
  EXPECT_EQ(docs.rfind("*2\r\n$6\r\ngetset\r\n*16\r\n$7\r\nsummary\r\n", 0), 0u) << docs;
  // Redis's bytes after the summary.
  const std::string rest =
      "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n"
      "$4\r\nO(1)\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5"
      "\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r\n"
      "arguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14"
      "\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\n"
      "string\r\n";
  ASSERT_GE(docs.size(), rest.size());
  EXPECT_EQ(docs.substr(docs.size() - rest.size()), rest);
}

TEST_F(IntrospectionCommandsTest, DocsOfSecondKeyNameItsKeySpec) {
  std::string docs = client_.Run({"COMMAND", "DOCS", "rename"});
  EXPECT_NE(docs.find("*6\r\n$4\r\nname\r\n$6\r\nnewkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
                      "$14\r\nkey_spec_index\r\n:1\r\n"),
            std::string::npos)
      << docs;
}

TEST_F(IntrospectionCommandsTest, GetKeysErrors) {
  EXPECT_EQ(client_.Run({"COMMAND", "GETKEYS", "nosuch", "a"}),
            "-ERR Invalid command specified\r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "GETKEYS", "echo", "a", "b"}),
            "-ERR The command has no key arguments\r\n")
      << "as in Redis, keys are checked before arity";
  EXPECT_EQ(client_.Run({"COMMAND", "GETKEYS", "ping", "a"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "GETKEYS", "ping"}),
            "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
}

TEST_F(IntrospectionCommandsTest, UnknownCommandWording) {
  EXPECT_EQ(client_.Run({"FOO", "a", "b"}),
            "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
  EXPECT_EQ(client_.Run({"COMMAND", "NOPE"}),
            "-ERR unknown subcommand 'NOPE'. Try COMMAND HELP.\r\n");
}

}  // namespace
}  // namespace ferrite
