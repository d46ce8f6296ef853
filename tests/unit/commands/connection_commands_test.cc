// PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT against a real in-process server.
#include <gtest/gtest.h>

#include <span>
#include <string_view>
#include <vector>

#include "commands/command_families.h"
#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

class ConnectionCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

// Which arguments MONITOR and the slow log must hide, as Redis redacts them.
std::vector<bool> Redacted(std::string_view command, std::vector<std::string_view> args) {
  static const auto registry = BuildCommandRegistry();
  const CommandSpec* spec = registry->FindTopLevel(command);
  std::vector<bool> redacted(args.size(), false);
  if (spec->redact != nullptr) spec->redact(args, redacted);
  return redacted;
}

TEST(ConnectionRedactionTest, AuthHidesItsArguments) {
  using V = std::vector<bool>;
  EXPECT_EQ(Redacted("auth", {"AUTH", "pw"}), (V{false, true}));
  EXPECT_EQ(Redacted("auth", {"AUTH", "user", "pw"}), (V{false, true, true}));
  EXPECT_EQ(Redacted("auth", {"AUTH", "a", "b", "c"}), (V{false, false, false, false}))
      << "refused for its length before Redis redacts";
}

TEST(ConnectionRedactionTest, HelloHidesAuthOptionsItReaches) {
  using V = std::vector<bool>;
  EXPECT_EQ(Redacted("hello", {"HELLO", "3", "AUTH", "u", "p"}),
            (V{false, false, false, true, true}));
  EXPECT_EQ(Redacted("hello", {"HELLO", "3", "SETNAME", "n", "auth", "u", "p"}),
            (V{false, false, false, false, false, true, true}));
  EXPECT_EQ(Redacted("hello", {"HELLO", "4", "AUTH", "u", "p"}), (V(5, false)));
  EXPECT_EQ(Redacted("hello", {"HELLO", "x", "AUTH", "u", "p"}), (V(5, false)));
  EXPECT_EQ(Redacted("hello", {"HELLO", "3", "BAD", "AUTH", "u", "p"}), (V(6, false)));
  EXPECT_EQ(Redacted("hello", {"HELLO", "3", "AUTH", "u"}), (V(4, false)));
  EXPECT_EQ(Redacted("ping", {"PING", "x"}), (V(2, false)));
}

TEST_F(ConnectionCommandsTest, Ping) {
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(client_.Run({"ping", "hello"}), "$5\r\nhello\r\n");
  EXPECT_EQ(client_.Run({"PING", "a", "b"}),
            "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST_F(ConnectionCommandsTest, Echo) {
  EXPECT_EQ(client_.Run({"ECHO", std::string_view("a\0\r\nb", 5)}),
            std::string("$5\r\na\0\r\nb\r\n", 11));
  EXPECT_EQ(client_.Run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n");
  EXPECT_EQ(client_.Run({"ECHO", "a", "b"}),
            "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST_F(ConnectionCommandsTest, QuitRepliesThenCloses) {
  client_.Send(testing::EncodeCommand({"QUIT"}) + testing::EncodeCommand({"PING"}));
  EXPECT_EQ(client_.ReadUntilClosed(), "+OK\r\n");
}

TEST_F(ConnectionCommandsTest, SelectChecksRange) {
  EXPECT_EQ(client_.Run({"SELECT", "15"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"SELECT", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(client_.Run({"SELECT", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(client_.Run({"SELECT", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(client_.Run({"SELECT", "4294967296"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(client_.Run({"SELECT", "01"}), "-ERR value is not an integer or out of range\r\n");
  std::string info = client_.Run({"CLIENT", "INFO"});
  EXPECT_NE(info.find(" db=15 "), std::string::npos) << info;
}

TEST_F(ConnectionCommandsTest, HelloSwitchesProtocol) {
  std::string reply = client_.Run({"HELLO", "3"});
  EXPECT_EQ(reply.rfind("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
                        "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:",
                        0),
            0u)
      << reply;
  EXPECT_NE(reply.find("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                       "$7\r\nmodules\r\n*0\r\n"),
            std::string::npos);
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "_\r\n") << "RESP3 null";
  reply = client_.Run({"HELLO", "2"});
  EXPECT_EQ(reply.rfind("*14\r\n", 0), 0u) << reply;
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(client_.Run({"HELLO"}).rfind("*14\r\n", 0), 0u) << "no version: report only";
}

TEST_F(ConnectionCommandsTest, HelloErrors) {
  EXPECT_EQ(client_.Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "x"}),
            "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "3", "FOO"}), "-ERR Syntax error in HELLO option 'FOO'\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "3", "AUTH", "u"}),
            "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "3", "AUTH", "someone", "pw"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "3", "SETNAME", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n") << "failed HELLO left RESP2 in place";
}

TEST_F(ConnectionCommandsTest, HelloSetsName) {
  client_.Run({"HELLO", "2", "SETNAME", "worker-1"});
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$8\r\nworker-1\r\n");
}

TEST_F(ConnectionCommandsTest, HelloOptionsApplyInOrder) {
  EXPECT_EQ(client_.Run({"HELLO", "3", "SETNAME", "early", "FOO"}),
            "-ERR Syntax error in HELLO option 'FOO'\r\n");
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$5\r\nearly\r\n")
      << "the name set before the bad option stays, as in Redis 7.0";
  EXPECT_EQ(client_.Run({"HELLO", "2", "AUTH", "nobody", "pw", "FOO"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "2", std::string_view("SETNAME\0x", 9), "nul"}).rfind("*14", 0),
            0u)
      << "options compare like strcasecmp: up to a NUL";
  EXPECT_EQ(client_.Run({"CLIENT", "GETNAME"}), "$3\r\nnul\r\n");
}

TEST_F(ConnectionCommandsTest, ResetIsSilencedByAPendingSkip) {
  client_.Send(testing::EncodeCommand({"CLIENT", "REPLY", "SKIP"}) +
               testing::EncodeCommand({"RESET"}) + testing::EncodeCommand({"PING"}));
  EXPECT_EQ(client_.ReadReply(), "+PONG\r\n");
}

TEST_F(ConnectionCommandsTest, ResetRestoresDefaults) {
  client_.Run({"SELECT", "3"});
  client_.Run({"HELLO", "3", "SETNAME", "x"});
  EXPECT_EQ(client_.Run({"RESET"}), "+RESET\r\n");
  std::string info = client_.Run({"CLIENT", "INFO"});
  EXPECT_NE(info.find(" db=0 "), std::string::npos) << info;
  EXPECT_NE(info.find(" name= "), std::string::npos) << info;
  EXPECT_NE(info.find(" resp=2"), std::string::npos) << info;
}

TEST_F(ConnectionCommandsTest, AuthWithoutPasswordConfigured) {
  EXPECT_EQ(client_.Run({"AUTH", "pw"}),
            "-ERR AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?\r\n");
  EXPECT_EQ(client_.Run({"AUTH", "default", "anything"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"AUTH", "bob", "anything"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(client_.Run({"AUTH", "a", "b", "c"}), "-ERR syntax error\r\n");
}

class AuthRequiredTest : public ::testing::Test {
 protected:
  static ServerConfig WithPassword() {
    ServerConfig config = TestConfig();
    config.requirepass = "s3cret";
    return config;
  }
  TestServer server_{WithPassword()};
  TestClient client_{server_.port()};
};

TEST_F(AuthRequiredTest, CommandsWaitForAuth) {
  EXPECT_EQ(client_.Run({"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(client_.Run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n")
      << "arity is checked before authentication, as in Redis";
  EXPECT_EQ(client_.Run({"NOPE"}), "-ERR unknown command 'NOPE', with args beginning with: \r\n");
  EXPECT_EQ(client_.Run({"HELLO", "3"}),
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
            "the RESP protocol version at the same time\r\n");
  EXPECT_EQ(client_.Run({"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(client_.Run({"AUTH", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(client_.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(client_.Run({"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(client_.Run({"HELLO", "3", "AUTH", "default", "s3cret"}).rfind("%7\r\n", 0), 0u);
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
}

TEST_F(AuthRequiredTest, UnauthenticatedRequestsAreSmall) {
  client_.Send("*11\r\n");
  EXPECT_EQ(client_.ReadUntilClosed(), "-ERR Protocol error: unauthenticated multibulk length\r\n");
  TestClient second(server_.port());
  second.Send("*1\r\n$16385\r\n");
  EXPECT_EQ(second.ReadUntilClosed(), "-ERR Protocol error: unauthenticated bulk length\r\n");
}

}  // namespace
}  // namespace ferrite
