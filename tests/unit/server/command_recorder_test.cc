// What commands leave behind once they have run, through a real two-worker server:
// slow log entries (deferred replies included), latency events, latency histograms and
// MONITOR lines from clients on either worker.
#include "server/command_recorder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "server/server.h"
#include "server/worker.h"
#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

ServerConfig RecorderConfig() {
  ServerConfig config = TestConfig();
  config.enable_debug_command = ProtectedCommandAccess::kYes;
  return config;
}

class CommandRecorderTest : public ::testing::Test {
 protected:
  TestServer server_{RecorderConfig()};
  TestClient client_{server_.port()};
};

TEST_F(CommandRecorderTest, SlowlogKeepsEveryCommandAtThresholdZero) {
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"CLIENT", "SETNAME", "tester"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"SLOWLOG", "RESET"}), "+OK\r\n");
  // With two shards, some of these keys live on the other worker: their replies are
  // deferred, and the slow log must still have their arguments.
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) {
    ASSERT_EQ(client_.Run({"SET", key, "value"}), "+OK\r\n");
  }
  std::vector<SlowlogEntry> entries = server_.server().slow_log().Newest(100);
  ASSERT_EQ(entries.size(), 7u);  // SLOWLOG RESET itself, then six SETs, newest first
  for (int i = 0; i < 6; ++i) {
    const SlowlogEntry& entry = entries[static_cast<size_t>(i)];
    EXPECT_EQ(entry.argv, (std::vector<std::string>{"SET", std::string(1, "fedcba"[i]), "value"}));
    EXPECT_EQ(entry.client_name, "tester");
    EXPECT_EQ(entry.peer.rfind("127.0.0.1:", 0), 0u);
    EXPECT_GT(entry.unix_time, 0);
  }
  EXPECT_EQ(entries[6].argv, (std::vector<std::string>{"SLOWLOG", "RESET"}));
  EXPECT_EQ(entries[0].id, entries[1].id + 1);
}

TEST_F(CommandRecorderTest, SlowlogMeasuresTheCommand) {
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "slowlog-log-slower-than", "20000"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(server_.server().slow_log().size(), 0u);
  ASSERT_EQ(client_.Run({"DEBUG", "SLEEP", "0.03"}), "+OK\r\n");
  std::vector<SlowlogEntry> entries = server_.server().slow_log().Newest(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_GE(entries[0].duration_us, 30000);
  EXPECT_EQ(entries[0].argv, (std::vector<std::string>{"DEBUG", "SLEEP", "0.03"}));
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"DEBUG", "SLEEP", "0.03"}), "+OK\r\n");
  EXPECT_EQ(server_.server().slow_log().size(), 1u) << "a negative threshold turns it off";
}

TEST_F(CommandRecorderTest, SlowCommandsBecomeLatencyEvents) {
  ASSERT_EQ(client_.Run({"DEBUG", "SLEEP", "0.02"}), "+OK\r\n");
  EXPECT_TRUE(server_.server().latency_monitor().Events().empty()) << "off by default";
  ASSERT_EQ(client_.Run({"CONFIG", "SET", "latency-monitor-threshold", "10"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  ASSERT_EQ(client_.Run({"DEBUG", "SLEEP", "0.02"}), "+OK\r\n");
  std::vector<LatencyEventSeries> events = server_.server().latency_monitor().Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "command");  // DEBUG is not a fast command
  EXPECT_GE(events[0].max_ms, 20);
}

TEST_F(CommandRecorderTest, HistogramCountsCallsByDuration) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client_.Run({"PING"}), "+PONG\r\n");
  ASSERT_EQ(client_.Run({"DEBUG", "SLEEP", "0.005"}), "+OK\r\n");
  Worker& worker = server_.server().worker(0);
  const CommandSpec& ping = *server_.server().commands().FindByFullName("ping");
  EXPECT_EQ(worker.CommandLatency(ping).calls, 3u);
  CommandLatencyReport sleep =
      worker.CommandLatency(*server_.server().commands().FindByFullName("debug"));
  ASSERT_EQ(sleep.cumulative.size(), 1u);
  EXPECT_EQ(sleep.cumulative[0].first, 8454u);  // 5 ms falls in the (4.2 ms, 8.4 ms] bucket
  EXPECT_EQ(sleep.cumulative[0].second, 1u);
  ASSERT_EQ(client_.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(worker.CommandLatency(ping).calls, 0u);
}

TEST_F(CommandRecorderTest, MonitorSeesCommandsOfClientsOnEveryWorker) {
  // Connections are dealt to workers in turn: of three clients, two share a worker and
  // one is on the other.
  TestClient other(server_.port());
  TestClient third(server_.port());
  ASSERT_EQ(client_.Run({"MONITOR"}), "+OK\r\n");
  EXPECT_TRUE(server_.server().monitors_attached());
  for (TestClient* sender : {&other, &third}) {
    ASSERT_EQ(sender->Run({"SET", "mk", "v"}), "+OK\r\n");
    std::string line = client_.ReadReply();
    EXPECT_EQ(line.rfind("+", 0), 0u) << line;
    EXPECT_NE(line.find("] \"SET\" \"mk\" \"v\"\r\n"), std::string::npos) << line;
  }
  // Admin commands are not shown; the next line is the PING after them.
  ASSERT_EQ(other.Run({"CONFIG", "GET", "port"}).rfind("*2", 0), 0u);
  ASSERT_EQ(other.Run({"PING"}), "+PONG\r\n");
  EXPECT_NE(client_.ReadReply().find("\"PING\""), std::string::npos);
  // RESET ends it.
  ASSERT_EQ(client_.Run({"RESET"}), "+RESET\r\n");
  ASSERT_EQ(other.Run({"PING"}), "+PONG\r\n");
  ASSERT_EQ(client_.Run({"ECHO", "after"}), "$5\r\nafter\r\n");
}

TEST_F(CommandRecorderTest, MonitorLinesWaitForTheMonitorsOwnDeferredReply) {
  // Connections are dealt in turn: client_ and third on one worker, sleeper on the other.
  TestClient sleeper(server_.port());
  TestClient third(server_.port());
  ASSERT_EQ(client_.Run({"MONITOR"}), "+OK\r\n");
  sleeper.Send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.3\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // CONFIG SET replies once every worker has the new settings: after the sleep.
  client_.Send("*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$15\r\nslowlog-max-len\r\n$3\r\n128\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(third.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(client_.ReadReply(), "+OK\r\n");
  EXPECT_NE(client_.ReadReply().find("\"PING\""), std::string::npos);
  EXPECT_EQ(sleeper.ReadReply(), "+OK\r\n");
}

TEST(CommandRecorderTimeoutTest, IdleMonitorsStayOpen) {
  ServerConfig config = TestConfig();
  config.timeout_seconds = 1;
  TestServer server(config);
  TestClient monitor(server.port());
  TestClient idle(server.port());
  ASSERT_EQ(monitor.Run({"MONITOR"}), "+OK\r\n");
  ASSERT_EQ(idle.Run({"PING"}), "+PONG\r\n");
  monitor.ReadReply();
  EXPECT_TRUE(idle.ClosedByServer(4000));
  EXPECT_FALSE(monitor.ClosedByServer(500));
}

TEST_F(CommandRecorderTest, ClosedMonitorDetaches) {
  {
    TestClient monitor(server_.port());
    ASSERT_EQ(monitor.Run({"MONITOR"}), "+OK\r\n");
    EXPECT_TRUE(server_.server().monitors_attached());
  }
  for (int i = 0; i < 200 && server_.server().monitors_attached(); ++i) {
    client_.Run({"PING"});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(server_.server().monitors_attached());
}

}  // namespace
}  // namespace ferrite
