// Connection behaviour through real sockets: partial reads and writes, pipelines,
// protocol errors, limits and timeouts.
#include "server/connection.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <thread>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::EncodeCommand;
using testing::TestClient;
using testing::TestServer;

class ConnectionTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(ConnectionTest, RequestSentOneByteAtATime) {
  std::string request = EncodeCommand({"ECHO", "split"}) + "PING\r\n";
  for (char c : request) {
    client_.Send(std::string_view(&c, 1));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_EQ(client_.ReadReply(), "$5\r\nsplit\r\n");
  EXPECT_EQ(client_.ReadReply(), "+PONG\r\n");
}

TEST_F(ConnectionTest, LongPipelineKeepsOrder) {
  std::string pipeline;
  for (int i = 0; i < 10000; ++i) pipeline += EncodeCommand({"ECHO", std::to_string(i)});
  client_.Send(pipeline);
  for (int i = 0; i < 10000; ++i) {
    std::string expected = std::to_string(i);
    ASSERT_EQ(client_.ReadReply(), "$" + std::to_string(expected.size()) + "\r\n" + expected + "\r\n");
  }
}

TEST_F(ConnectionTest, ProtocolErrorRepliesAfterEarlierCommandsThenCloses) {
  client_.Send("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n");
  EXPECT_EQ(client_.ReadUntilClosed(),
            "+PONG\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n");
}

TEST_F(ConnectionTest, SubcommandNamesDoNotShadowCommands) {
  // CLIENT INFO's subcommand is named "info" too: the next INFO must be INFO.
  client_.Send(EncodeCommand({"CLIENT", "INFO"}) + EncodeCommand({"INFO", "server"}) +
               EncodeCommand({"PING"}) + EncodeCommand({"ping", "x"}));
  EXPECT_NE(client_.ReadReply().find("\r\nid="), std::string::npos);
  EXPECT_NE(client_.ReadReply().find("# Server"), std::string::npos);
  EXPECT_EQ(client_.ReadReply(), "+PONG\r\n");
  EXPECT_EQ(client_.ReadReply(), "$1\r\nx\r\n");
}

TEST_F(ConnectionTest, QuitStopsThePipeline) {
  client_.Send(EncodeCommand({"ECHO", "a"}) + EncodeCommand({"QUIT"}) + EncodeCommand({"ECHO", "b"}));
  EXPECT_EQ(client_.ReadUntilClosed(), "$1\r\na\r\n+OK\r\n");
}

TEST_F(ConnectionTest, SlowReaderGetsEveryReplyIntact) {
  std::string payload(100 * 1024, 'p');
  std::string pipeline;
  for (int i = 0; i < 200; ++i) pipeline += EncodeCommand({"ECHO", payload});
  // Send everything before reading anything: the server must buffer 20 MB of replies
  // and write them as the socket drains.
  std::thread sender([&] { client_.Send(pipeline); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  TestClient other(server_.port());
  EXPECT_EQ(other.Run({"PING"}), "+PONG\r\n") << "others are served meanwhile";
  std::string expected = "$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  for (int i = 0; i < 200; ++i) ASSERT_EQ(client_.ReadReply(), expected) << i;
  sender.join();
}

TEST_F(ConnectionTest, LargeArgumentRoundTrips) {
  std::string big(5 << 20, 'b');
  big[12345] = '\0';
  EXPECT_EQ(client_.Run({"ECHO", big}), "$" + std::to_string(big.size()) + "\r\n" + big + "\r\n");
}

TEST_F(ConnectionTest, QueryBufferLimitClosesWithoutReply) {
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "client-query-buffer-limit", "1mb"}), "+OK\r\n");
  TestClient greedy(server_.port());
  greedy.Send("*1\r\n$3000000\r\n" + std::string(1536 * 1024, 'x'));
  EXPECT_EQ(greedy.ReadUntilClosed(), "");
  EXPECT_EQ(client_.Run({"PING"}), "+PONG\r\n");
}

TEST_F(ConnectionTest, OutputBufferHardLimitClosesNonReader) {
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}),
            "+OK\r\n");
  TestClient hog(server_.port());
  int small = 4096;
  setsockopt(hog.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  std::string payload(100 * 1024, 'h');
  std::string pipeline;
  for (int i = 0; i < 100; ++i) pipeline += EncodeCommand({"ECHO", payload});
  // The hog never reads; its buffered replies pass 1 MB and the server drops it,
  // possibly before it has sent everything.
  hog.TrySend(pipeline);
  int64_t deadline = EventLoop::MonotonicMs() + 5000;
  bool gone = false;
  while (!gone && EventLoop::MonotonicMs() < deadline) {
    std::string list = client_.Run({"CLIENT", "LIST"});
    gone = std::count(list.begin(), list.end(), '\n') == 3;  // one line, plus the bulk's CRLFs
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone);
}

TEST_F(ConnectionTest, IdleClientsTimeOut) {
  EXPECT_EQ(client_.Run({"CONFIG", "SET", "timeout", "1"}), "+OK\r\n");
  TestClient idle(server_.port());
  EXPECT_EQ(idle.Run({"PING"}), "+PONG\r\n");
  int64_t start = EventLoop::MonotonicMs();
  EXPECT_TRUE(idle.ClosedByServer(4000));
  EXPECT_GE(EventLoop::MonotonicMs() - start, 900);
}

TEST_F(ConnectionTest, DisconnectsAreCounted) {
  {
    TestClient brief(server_.port());
    EXPECT_EQ(brief.Run({"PING"}), "+PONG\r\n");
  }
  int64_t deadline = EventLoop::MonotonicMs() + 2000;
  std::string info;
  while (EventLoop::MonotonicMs() < deadline) {
    info = client_.Run({"INFO", "clients"});
    if (info.find("connected_clients:1\r\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(info.find("connected_clients:1\r\n"), std::string::npos) << info;
}

}  // namespace
}  // namespace ferrite
