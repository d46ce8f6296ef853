#include "server/info_report.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "io/engine_factory.h"
#include "io/io_request.h"
#include "server/worker.h"
#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestConfig;
using testing::TestServer;

std::string Report(Server& server, std::vector<std::string_view> sections) {
  return BuildInfoReport(server, SelectInfoSections(sections), WorkerReport{}, KeyspaceReport{});
}

std::string BulkBody(const std::string& reply) {
  size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

// The value of `field` in INFO text, or "<missing>".
std::string Field(const std::string& info, const std::string& field) {
  size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return "<missing>";
  size_t start = at + field.size() + 3;
  return info.substr(start, info.find("\r\n", start) - start);
}

TEST(InfoReportTest, SectionSelection) {
  TestServer server;
  Server& s = server.server();
  std::string defaults = Report(s, {});
  EXPECT_EQ(defaults.rfind("# Server\r\n", 0), 0u);
  EXPECT_EQ(defaults.find("# Commandstats"), std::string::npos);
  EXPECT_EQ(Report(s, {"default"}).size() > 0, true);
  EXPECT_NE(Report(s, {"everything"}).find("# Commandstats"), std::string::npos);
  EXPECT_EQ(Report(s, {"bogus"}), "");
  for (const char* header : {"# Memory\r\n", "# Persistence\r\n", "# IO\r\n", "# Modules\r\n",
                             "# Cluster\r\n", "# Keyspace\r\n"}) {
    EXPECT_NE(defaults.find(header), std::string::npos) << header;
  }
  EXPECT_NE(Report(s, {"all"}).find("# Latencystats"), std::string::npos);
  EXPECT_EQ(Report(s, {std::string_view("memory\0x", 8)}).rfind("# Memory\r\nused_memory:", 0), 0u);
  std::string cpu = Report(s, {"CPU"});
  EXPECT_EQ(cpu.rfind("# CPU\r\nused_cpu_sys:", 0), 0u) << cpu;
  std::string two = Report(s, {"keyspace", "server"});
  EXPECT_LT(two.find("# Server"), two.find("# Keyspace"))
      << "Redis's section order, not the request's";
  EXPECT_EQ(two.substr(two.size() - 2), "\r\n");
}

TEST(InfoReportTest, IoSectionFollowsPersistence) {
  TestServer server;
  for (std::string_view selection : {"default", "all", "everything"}) {
    std::string text = Report(server.server(), {selection});
    size_t persistence = text.find("# Persistence\r\n");
    size_t io = text.find("# IO\r\n");
    size_t stats = text.find("# Stats\r\n");
    ASSERT_NE(io, std::string::npos) << selection;
    EXPECT_LT(persistence, io) << selection;
    EXPECT_LT(io, stats) << selection;
  }
  EXPECT_EQ(Report(server.server(), {"IO"}).rfind("# IO\r\nio_engine:", 0), 0u);
}

TEST(InfoReportTest, FieldsReflectTheServer) {
  TestServer server;
  std::string text = Report(server.server(), {"server", "clients"});
  EXPECT_NE(text.find("tcp_port:" + std::to_string(server.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(text.find("threads:2\r\n"), std::string::npos);
  EXPECT_NE(text.find("maxclients:10000\r\n"), std::string::npos);
  EXPECT_NE(text.find("connected_clients:0\r\n"), std::string::npos);
  EXPECT_NE(text.find("run_id:" + server.server().identity().run_id + "\r\n"), std::string::npos);
  EXPECT_EQ(server.server().identity().run_id.size(), 40u);
}

TEST(InfoReportTest, KeyspaceLinesSkipEmptyDatabases) {
  KeyspaceReport keyspace;
  keyspace.databases.push_back({0, DatabaseCount{.keys = 3, .expires = 2, .ttl_sum_ms = 5001}});
  keyspace.databases.push_back({1, DatabaseCount{}});
  keyspace.databases.push_back({7, DatabaseCount{.keys = 1}});
  std::string out;
  AppendKeyspace(out, keyspace);
  EXPECT_EQ(out,
            "# Keyspace\r\n"
            "db0:keys=3,expires=2,avg_ttl=2500\r\n"
            "db7:keys=1,expires=0,avg_ttl=0\r\n");
  keyspace.status = Status::Corruption("page 3 of log.0 failed its checksum");
  out.clear();
  AppendKeyspace(out, keyspace);
  EXPECT_EQ(out, "# Keyspace\r\nkeyspace_error:page 3 of log.0 failed its checksum\r\n");
}

TEST(InfoReportTest, KeyspaceCountsEveryShardAndFollowsSwapdb) {
  ServerConfig config = TestConfig();
  config.maxmemory = uint64_t{8} << 20;  // a third of the keys below go to disk
  TestServer server(config);
  TestClient client(server.port());
  const std::string value(1500, 'v');
  for (int i = 0; i < 8000; ++i) {
    ASSERT_EQ(client.Run({"SET", "k" + std::to_string(i), value}), "+OK\r\n");
  }
  ASSERT_EQ(client.Run({"SET", "t1", "x", "EX", "1000"}), "+OK\r\n");
  ASSERT_EQ(client.Run({"SET", "t2", "x", "PX", "10"}), "+OK\r\n");
  ASSERT_EQ(client.Run({"DEL", "k0"}), ":1\r\n");
  ASSERT_EQ(client.Run({"SELECT", "3"}), "+OK\r\n");
  ASSERT_EQ(client.Run({"SET", "other", "x"}), "+OK\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // t2 expires
  std::string info = BulkBody(client.Run({"INFO", "tiering"}));
  ASSERT_GT(std::stoll(Field(info, "log_bytes_on_disk")), 2 << 20) << info;
  info = BulkBody(client.Run({"INFO", "keyspace"}));
  EXPECT_EQ(Field(info, "db0").substr(0, 28), "keys=8000,expires=1,avg_ttl=") << info;
  const int64_t avg_ttl = std::stoll(Field(info, "db0").substr(Field(info, "db0").rfind('=') + 1));
  EXPECT_GT(avg_ttl, 990'000);
  EXPECT_LE(avg_ttl, 1'000'000);
  EXPECT_EQ(Field(info, "db3"), "keys=1,expires=0,avg_ttl=0");
  EXPECT_EQ(Field(info, "db1"), "<missing>");
  ASSERT_EQ(client.Run({"SWAPDB", "0", "5"}), "+OK\r\n");
  info = BulkBody(client.Run({"INFO", "keyspace"}));
  EXPECT_EQ(Field(info, "db0"), "<missing>");
  EXPECT_EQ(Field(info, "db5").substr(0, 19), "keys=8000,expires=1");
  ASSERT_EQ(client.Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(BulkBody(client.Run({"INFO", "keyspace"})), "# Keyspace\r\n");
}

TEST(InfoReportTest, MemoryShowsTheBudgetAndTheDisk) {
  ServerConfig config = TestConfig();
  config.maxmemory = uint64_t{12} << 20;  // 6 pages of 1 MiB per shard, less the index
  TestServer server(config);
  TestClient client(server.port());
  ASSERT_EQ(client.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), "+OK\r\n");
  std::string info = BulkBody(client.Run({"INFO", "memory"}));
  EXPECT_EQ(Field(info, "maxmemory"), std::to_string(12 << 20));
  EXPECT_EQ(Field(info, "maxmemory_human"), "12.00M");
  EXPECT_EQ(Field(info, "maxmemory_policy"), "allkeys-lru");
  EXPECT_EQ(Field(info, "keyspace_memory_budget"), std::to_string(12 << 20)) << "two shards' sum";
  EXPECT_EQ(Field(info, "keyspace_bytes_on_disk"), "0");
  const std::string value(1500, 'v');
  for (int i = 0; i < 12000; ++i) {
    ASSERT_EQ(client.Run({"SET", "k" + std::to_string(i), value}), "+OK\r\n");
  }
  info = BulkBody(client.Run({"INFO", "memory"}));
  EXPECT_GT(std::stoll(Field(info, "keyspace_bytes_on_disk")), 2 << 20) << info;
  EXPECT_LE(std::stoll(Field(info, "keyspace_memory_used")), 12 << 20);
  EXPECT_GE(std::stoll(Field(info, "used_memory_peak")), std::stoll(Field(info, "used_memory")));
}

TEST(InfoReportTest, IoFieldsShowTheConfiguration) {
  ServerConfig config = TestConfig();
  config.io.engine = IoEngineKind::kThreads;
  config.io.pool_threads = 3;
  config.io.registered_buffers = 2;
  config.io.direct_io = false;
  config.io.uring_sqpoll = true;
  TestServer server(config);
  TestClient client(server.port());
  std::string info = BulkBody(client.Run({"INFO", "io"}));
  EXPECT_EQ(info.rfind("# IO\r\n", 0), 0u) << info;
  EXPECT_EQ(Field(info, "io_engine"), "threads");
  EXPECT_EQ(Field(info, "io_engine_requested"), "threads");
  EXPECT_EQ(Field(info, "io_fallback_reason"), "");
  EXPECT_EQ(Field(info, "io_settings"), "threads=3,buffers=2x65536");
  EXPECT_EQ(Field(info, "io_uring_sqpoll"), "1");
  EXPECT_EQ(Field(info, "io_direct"), "0");
  EXPECT_EQ(Field(info, "io_pool_threads"), "3");
  for (const char* zero : {"io_ops", "io_ops_read", "io_ops_readv", "io_ops_write", "io_ops_writev",
                           "io_ops_fsync", "io_ops_fdatasync", "io_bytes_read", "io_bytes_written",
                           "io_in_flight", "io_errors", "io_resubmissions", "io_submit_calls"}) {
    EXPECT_EQ(Field(info, zero), "0") << zero;
  }
  for (const char* latency : {"io_latency_p50_us", "io_latency_p99_us", "io_latency_p999_us"}) {
    EXPECT_EQ(Field(info, latency), "0.000") << latency;
  }
}

TEST(InfoReportTest, AutoReportsTheFallbackReason) {
  // A ring size the kernel refuses makes io_uring unusable for real, as a kernel
  // without it would (tests/integration/test_io_engine.py removes io_uring itself).
  ServerConfig config = TestConfig();
  config.io.uring_entries = 100000;
  TestServer server(config);
  EXPECT_EQ(server.server().io_engine_kind(), IoEngineKind::kThreads);
  TestClient client(server.port());
  std::string info = BulkBody(client.Run({"INFO", "io"}));
  EXPECT_EQ(Field(info, "io_engine"), "threads");
  EXPECT_EQ(Field(info, "io_engine_requested"), "auto");
  EXPECT_EQ(Field(info, "io_fallback_reason"), server.server().io_fallback_reason());
  EXPECT_NE(Field(info, "io_fallback_reason").find("uring_entries"), std::string::npos) << info;
}

// A file of known bytes in the temporary directory, removed at the end.
class TempFile {
 public:
  explicit TempFile(size_t size) {
    std::string pattern = (std::filesystem::temp_directory_path() / "ferrite-io-XXXXXX").string();
    fd_ = mkstemp(pattern.data());
    EXPECT_GE(fd_, 0);
    path_ = pattern;
    std::string bytes(size, 'x');
    EXPECT_EQ(write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  ~TempFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Prepares `request` on worker `index`'s engine, on its thread, and waits for its
// callback, which the worker's loop runs when the engine's descriptor is readable.
IoResult RunOnWorker(Server& server, size_t index, IoRequest& request) {
  std::promise<IoResult> result;
  request.callback = [&](IoResult outcome) { result.set_value(outcome); };
  server.worker(index).loop().Post([&server, index, &request] {
    IoEngine* engine = server.worker(index).io_engine();
    engine->Prepare(request);
    engine->Submit();
  });
  auto future = result.get_future();
  EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  return future.get();
}

class InfoIoCountersTest : public ::testing::TestWithParam<IoEngineKind> {};

TEST_P(InfoIoCountersTest, CountRealOperationsOnEveryWorker) {
  ServerConfig config = TestConfig();
  config.io.engine = GetParam();
  if (GetParam() == IoEngineKind::kUring && !ChooseIoEngine(config.io).ok()) {
    GTEST_SKIP() << "io_uring is unavailable here";
  }
  TestServer server(config);
  TempFile file(8192);

  alignas(4096) static char buffer[4096];
  IoRequest read;
  read.opcode = IoOpcode::kRead;
  read.fd = file.fd();
  read.offset = 4096;
  read.buffer = buffer;
  read.length = sizeof(buffer);
  IoResult got = RunOnWorker(server.server(), 1, read);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got.bytes(), 4096u);

  IoRequest write;
  write.opcode = IoOpcode::kWrite;
  write.fd = file.fd();
  write.offset = 0;
  write.buffer = buffer;
  write.length = 100;
  ASSERT_TRUE(RunOnWorker(server.server(), 0, write).ok());
  IoRequest sync;
  sync.opcode = IoOpcode::kFsync;
  sync.fd = file.fd();
  ASSERT_TRUE(RunOnWorker(server.server(), 0, sync).ok());

  TestClient client(server.port());
  std::string info = BulkBody(client.Run({"INFO"}));
  EXPECT_EQ(Field(info, "io_engine"), IoEngineKindName(GetParam()));
  EXPECT_EQ(Field(info, "io_ops"), "3") << info;
  EXPECT_EQ(Field(info, "io_ops_read"), "1");
  EXPECT_EQ(Field(info, "io_ops_write"), "1");
  EXPECT_EQ(Field(info, "io_ops_fsync"), "1");
  EXPECT_EQ(Field(info, "io_bytes_read"), "4096");
  EXPECT_EQ(Field(info, "io_bytes_written"), "100");
  EXPECT_EQ(Field(info, "io_in_flight"), "0");
  EXPECT_EQ(Field(info, "io_errors"), "0");
  EXPECT_GE(std::stoull(Field(info, "io_submit_calls")), 3u);
  EXPECT_GT(std::stod(Field(info, "io_latency_p50_us")), 0.0);
  EXPECT_GE(std::stod(Field(info, "io_latency_p999_us")),
            std::stod(Field(info, "io_latency_p50_us")));

  // A failed operation counts as an error.
  IoRequest bad;
  bad.opcode = IoOpcode::kRead;
  bad.fd = -1;
  bad.buffer = buffer;
  bad.length = 1;
  EXPECT_EQ(RunOnWorker(server.server(), 1, bad).error(), EBADF);
  info = BulkBody(client.Run({"INFO", "io"}));
  EXPECT_EQ(Field(info, "io_errors"), "1");

  EXPECT_EQ(client.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  info = BulkBody(client.Run({"INFO", "io"}));
  EXPECT_EQ(Field(info, "io_ops"), "0");
  EXPECT_EQ(Field(info, "io_bytes_read"), "0");
  EXPECT_EQ(Field(info, "io_latency_p50_us"), "0.000");
}

INSTANTIATE_TEST_SUITE_P(Engines, InfoIoCountersTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         [](const auto& param) {
                           return std::string(IoEngineKindName(param.param));
                         });

}  // namespace
}  // namespace ferrite
