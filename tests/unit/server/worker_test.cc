// Workers share the load and answer for the whole server.
#include "server/worker.h"

#include <gtest/gtest.h>

#include <future>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

// Runs `fn` on worker 0's thread and waits for it.
template <typename Fn>
void OnWorkerZero(Server& server, Fn fn) {
  std::promise<void> done;
  server.worker(0).loop().Post([&] {
    fn();
    done.set_value();
  });
  done.get_future().wait();
}

TEST(WorkerTest, ConnectionsAreSpreadRoundRobin) {
  TestServer server;
  ASSERT_EQ(server.server().worker_count(), 2u);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    EXPECT_EQ(clients.back()->Run({"PING"}), "+PONG\r\n");
  }
  std::promise<std::vector<size_t>> counts;
  OnWorkerZero(server.server(), [&] {
    server.server().Gather<size_t>(
        server.server().worker(0),
        [](Worker& worker) { return worker.DescribeClients(ClientFilter{}).size(); },
        [&](std::vector<size_t> per_worker) { counts.set_value(per_worker); });
  });
  EXPECT_EQ(counts.get_future().get(), (std::vector<size_t>{3, 3}));
}

TEST(WorkerTest, OlderConfigurationsAreIgnored) {
  TestServer server;
  auto newer = std::make_shared<ServerConfig>(*server.server().config());
  newer->version = 10;
  newer->timeout_seconds = 42;
  auto older = std::make_shared<ServerConfig>(*newer);
  older->version = 9;
  older->timeout_seconds = 7;
  int64_t seen = -1;
  OnWorkerZero(server.server(), [&] {
    Worker& worker = server.server().worker(0);
    worker.InstallConfig(newer);
    worker.InstallConfig(older);
    seen = worker.config().timeout_seconds;
  });
  EXPECT_EQ(seen, 42);
}

TEST(WorkerTest, PasswordCheck) {
  ServerConfig config = testing::TestConfig();
  config.requirepass = "pw";
  TestServer server(config);
  const Worker& worker = server.server().worker(1);
  EXPECT_TRUE(worker.PasswordRequired());
  EXPECT_TRUE(worker.CheckPassword("default", "pw"));
  EXPECT_FALSE(worker.CheckPassword("default", "pw2"));
  EXPECT_FALSE(worker.CheckPassword("default", "p"));
  EXPECT_FALSE(worker.CheckPassword("default", ""));
  EXPECT_FALSE(worker.CheckPassword("admin", "pw"));
}

}  // namespace
}  // namespace ferrite
