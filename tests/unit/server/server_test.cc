#include "server/server.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "server/worker.h"
#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;

TEST(ServerTest, StartServeStop) {
  Server server(TestConfig());
  ASSERT_TRUE(server.Start().ok());
  EXPECT_GT(server.port(), 0);
  {
    TestClient client(server.port());
    EXPECT_EQ(client.Run({"PING"}), "+PONG\r\n");
  }
  server.Stop();
  server.Stop();  // idempotent
}

TEST(ServerTest, StopClosesConnectedClients) {
  Server server(TestConfig());
  ASSERT_TRUE(server.Start().ok());
  TestClient client(server.port());
  EXPECT_EQ(client.Run({"PING"}), "+PONG\r\n");
  server.Stop();
  EXPECT_TRUE(client.ClosedByServer());
}

TEST(ServerTest, ShutdownRequestWakesTheWaiter) {
  Server server(TestConfig());
  ASSERT_TRUE(server.Start().ok());
  auto waiter = std::async(std::launch::async, [&] { server.WaitForShutdown(); });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  TestClient client(server.port());
  client.Send(testing::EncodeCommand({"SHUTDOWN"}));
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(server.shutdown_requested());
  server.Stop();
}

TEST(ServerTest, ThreadsSettingPicksWorkerCount) {
  ServerConfig config = TestConfig();
  config.threads = 3;
  Server three(config);
  EXPECT_EQ(three.worker_count(), 3u);
  config.threads = 0;
  Server automatic(config);
  EXPECT_EQ(automatic.worker_count(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(ServerTest, GatherReturnsResultsInWorkerOrder) {
  ServerConfig config = TestConfig();
  config.threads = 3;
  Server server(config);
  ASSERT_TRUE(server.Start().ok());
  std::promise<std::vector<int>> result;
  server.worker(1).loop().Post([&] {
    server.Gather<int>(
        server.worker(1), [](Worker& worker) { return worker.index() * 10; },
        [&](std::vector<int> values) { result.set_value(values); });
  });
  EXPECT_EQ(result.get_future().get(), (std::vector<int>{0, 10, 20}));
  server.Stop();
}

TEST(ServerTest, ChoosesTheIoEngineOnce) {
  ServerConfig config = TestConfig();
  config.io.engine = IoEngineKind::kThreads;
  Server server(config);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(server.io_engine_kind(), IoEngineKind::kThreads);
  EXPECT_EQ(server.io_fallback_reason(), "");
}

TEST(ServerTest, UnavailableUringFailsStart) {
  // The kernel refuses a ring this large, as it refuses any ring where io_uring is
  // missing (tests/integration/test_io_engine.py removes it for real).
  ServerConfig config = TestConfig();
  config.io.engine = IoEngineKind::kUring;
  config.io.uring_entries = 100000;
  Server server(config);
  Status status = server.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kNotSupported);
  EXPECT_EQ(status.message().rfind("io engine \"uring\" is unavailable: ", 0), 0u)
      << status.message();
  EXPECT_EQ(server.worker_count(), 2u);
  server.Stop();
}

TEST(ServerTest, EngineCreationFailureFailsStart) {
  ServerConfig config = TestConfig();
  config.io.engine = IoEngineKind::kThreads;
  config.io.pool_threads = 0;  // the parameter table refuses it; the engine does too
  Server server(config);
  Status status = server.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("worker thread 0 can't create its threads I/O engine: ", 0), 0u)
      << status.message();
  server.Stop();
}

TEST(RaiseOpenFilesLimitTest, ReportsWhatFits) {
  EXPECT_EQ(RaiseOpenFilesLimit(100, 32), 100);
  int64_t huge = RaiseOpenFilesLimit(int64_t{1} << 40, 32);
  EXPECT_LT(huge, int64_t{1} << 40);
  EXPECT_GE(huge, 1);
}

}  // namespace
}  // namespace ferrite
