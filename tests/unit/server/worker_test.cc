// Workers share the load and answer for the whole server.
#include "server/worker.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <future>
#include <thread>

#include "io/engine_factory.h"
#include "io/io_request.h"

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

TEST(WorkerTest, EachWorkerOwnsAnEngineCreatedOnItsThread) {
  ServerConfig config = testing::TestConfig();
  config.io.engine = IoEngineKind::kThreads;
  TestServer server(config);
  std::vector<std::promise<std::pair<IoEngine*, std::string_view>>> seen(2);
  for (size_t i = 0; i < 2; ++i) {
    server.server().worker(i).loop().Post([&, i] {
      IoEngine* engine = server.server().worker(i).io_engine();
      seen[i].set_value({engine, engine != nullptr ? engine->name() : ""});
    });
  }
  auto first = seen[0].get_future().get();
  auto second = seen[1].get_future().get();
  ASSERT_NE(first.first, nullptr);
  ASSERT_NE(second.first, nullptr);
  EXPECT_NE(first.first, second.first);
  EXPECT_EQ(first.second, "threads");
  EXPECT_EQ(second.second, "threads");
}

TEST(WorkerTest, CompletionsRunOnTheWorkerThread) {
  TestServer server;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  char byte = 0;
  IoRequest read;
  read.opcode = IoOpcode::kRead;
  read.fd = pipe_fds[0];
  read.offset = kCurrentPosition;
  read.buffer = &byte;
  read.length = 1;
  std::promise<std::thread::id> worker_thread;
  std::promise<std::pair<std::thread::id, IoResult>> completed;
  read.callback = [&](IoResult result) {
    completed.set_value({std::this_thread::get_id(), result});
  };
  server.server().worker(1).loop().Post([&] {
    worker_thread.set_value(std::this_thread::get_id());
    IoEngine* engine = server.server().worker(1).io_engine();
    engine->Prepare(read);
    engine->Submit();
  });
  std::thread::id expected = worker_thread.get_future().get();
  // The read waits on the pipe until a byte arrives; the loop then runs its callback.
  ASSERT_EQ(write(pipe_fds[1], "!", 1), 1);
  auto future = completed.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto [thread, result] = future.get();
  EXPECT_EQ(thread, expected);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.bytes(), 1u);
  EXPECT_EQ(byte, '!');
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST(WorkerTest, StopDrainsOperationsInFlight) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  char byte = 0;
  IoRequest read;
  read.opcode = IoOpcode::kRead;
  read.fd = pipe_fds[0];
  read.offset = kCurrentPosition;
  read.buffer = &byte;
  read.length = 1;
  int calls = 0;
  IoResult outcome = IoResult::Error(EINVAL);
  read.callback = [&](IoResult result) {
    ++calls;
    outcome = result;
  };
  {
    TestServer server;
    OnWorkerZero(server.server(), [&] {
      IoEngine* engine = server.server().worker(0).io_engine();
      engine->Prepare(read);
      engine->Submit();
    });
    // The byte arrives while the server stops: the worker's engine waits for the read
    // to finish and runs its callback before the worker thread ends.
    std::thread writer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ASSERT_EQ(write(pipe_fds[1], "?", 1), 1);
    });
    server.server().Stop();
    writer.join();
  }
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(byte, '?');
  close(pipe_fds[0]);
  close(pipe_fds[1]);
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
