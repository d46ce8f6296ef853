// A worker thread: one event loop, the connections assigned to it, its statistics, its
// snapshot of the configuration and its own IoEngine. It is also the ServerApi its
// connections' commands see, so that answers gathered from other threads come back to
// this one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/command_context.h"
#include "commands/keyspace_router.h"
#include "commands/server_api.h"
#include "io/io_engine.h"
#include "io/io_options.h"
#include "io/io_stats.h"
#include "server/command_recorder.h"
#include "server/event_loop.h"
#include "server/info_report.h"
#include "server/server_config.h"
#include "server/server_stats.h"
#include "store/keyspace_shard.h"
#include "store/keyspace_walk.h"

namespace ferrite {

class Connection;
class Server;

// What INFO io reports about workers' I/O engines: one worker's, taken on its thread,
// or the sum of all.
struct IoReport {
  IoStats stats;
  size_t in_flight = 0;
  std::string settings;  // IoEngine::settings(); the same on every worker

  void Merge(const IoReport& other) {
    stats.Merge(other.stats);
    in_flight += other.in_flight;
    if (settings.empty()) settings = other.settings;
  }
};

// What INFO tiering reports about a worker's keyspace shard, or the sum of all: where
// lookups found their records, the memory budget and its use, and the log's
// maintenance.
struct TieringReport {
  uint64_t memory_budget = 0;
  uint64_t memory_bytes = 0;  // index + log page buffers
  uint64_t index_bytes = 0;
  uint64_t log_bytes_in_memory = 0;  // [head, tail)
  uint64_t log_bytes_on_disk = 0;    // [begin, head)
  uint64_t index_entries = 0;
  uint64_t found_mutable = 0;
  uint64_t found_read_only = 0;
  uint64_t found_disk = 0;
  uint64_t pending_lookups = 0;
  uint64_t disk_reads = 0;
  uint64_t pending_now = 0;  // operations whose callbacks have not run
  uint64_t pages_flushed = 0;
  uint64_t evictions = 0;
  uint64_t checkpoints = 0;
  uint64_t compacted_segments = 0;
  uint64_t compaction_copied = 0;

  void Merge(const TieringReport& other);
};

// Everything INFO gathers from the workers' threads.
struct WorkerReport {
  IoReport io;
  TieringReport tiering;

  void Merge(const WorkerReport& other) {
    io.Merge(other.io);
    tiering.Merge(other.tiering);
  }
};

class Worker final : public ServerApi, public KeyspaceRouter {
 public:
  Worker(Server& server, int index);
  ~Worker() override;

  int index() const { return index_; }
  EventLoop& loop() { return loop_; }
  Server& server() { return server_; }
  WorkerStats& stats() { return stats_; }
  const WorkerStats& stats() const { return stats_; }
  // This thread's configuration. Loop thread only.
  const ServerConfig& config() const { return *config_; }

  // Creates this worker's IoEngine. Call on the worker's own thread, which owns the
  // engine from then on, before Run(); the loop polls the engine when its completion
  // descriptor becomes readable.
  Status OpenIoEngine(IoEngineKind kind, const IoOptions& options);
  // Opens this worker's shard of the keyspace on its IoEngine. Worker thread only,
  // after OpenIoEngine() and before Run().
  Status OpenKeyspace(KeyspaceShardOptions options);
  // Thread body: runs the loop until the server stops, then closes the keyspace shard
  // (checkpointing it) and drains and destroys the IoEngine (every operation still in
  // flight completes, callbacks included).
  void Run();
  // Loop thread only. Null before OpenKeyspace() and after Run() has returned.
  KeyspaceShard* keyspace() { return keyspace_.get(); }
  // Loop thread only. Null before OpenIoEngine() and after Run() has returned.
  IoEngine* io_engine() { return io_engine_.get(); }
  // This worker's part of INFO io and INFO tiering. Loop thread only.
  WorkerReport Report();
  // INFO keyspace's figures: every shard walks its log (keyspace_walk.h); `done` runs
  // on this worker's thread with the sum, indexed by stored database, or the first
  // error. Loop thread only.
  void CountKeyspace(std::function<void(Result<DatabaseCounts>)> done);

  // What this worker's commands leave for MONITOR, SLOWLOG and LATENCY. Loop thread
  // only.
  CommandRecorder& recorder() { return recorder_; }
  // How many of this worker's clients are monitors. Any thread.
  int monitor_count() const { return monitor_count_.load(std::memory_order_relaxed); }
  // Writes monitor lines (from any worker's CommandRecorder) to this worker's monitors.
  // Loop thread only.
  void DeliverMonitorText(const std::string& text);

  // Loop thread only.
  void AdoptConnection(int fd, uint64_t id, std::string peer, std::string local);
  void InstallConfig(std::shared_ptr<const ServerConfig> config);
  void ScheduleWrite(Connection* connection) { pending_writes_.push_back(connection); }
  void OnConnectionClosed(Connection* connection);
  void ResumeClient(uint64_t id, DeferredReply::Writer writer);
  // (id, CLIENT LIST line) of this thread's clients matching `filter`.
  std::vector<std::pair<uint64_t, std::string>> DescribeClients(const ClientFilter& filter) const;
  size_t KillMatchingClients(const ClientFilter& filter, uint64_t caller_id);
  // Closes every connection (shutdown).
  void CloseAllConnections();

  // ServerApi
  const CommandRegistry& commands() const override;
  int databases() const override { return config_->databases; }
  bool PasswordRequired() const override { return !config_->requirepass.empty(); }
  bool CheckPassword(std::string_view user, std::string_view password) const override;
  ConfigPairs ConfigGet(std::span<const std::string_view> patterns) const override;
  void ConfigSet(ConfigPairs changes, std::function<void(Status)> done) override;
  void ResetStats(std::function<void()> done) override;
  void Info(std::span<const std::string_view> sections,
            std::function<void(std::string)> done) override;
  void ListClients(
      ClientFilter filter,
      std::function<void(std::vector<std::pair<uint64_t, std::string>>)> done) override;
  void KillClients(ClientFilter filter, uint64_t caller_id,
                   std::function<void(size_t)> done) override;
  Status Shutdown(const ShutdownRequest& request) override;
  bool ShutdownRequested() const override;
  ProtectedCommandAccess debug_command_access() const override {
    return config_->enable_debug_command;
  }
  std::vector<SlowlogEntry> SlowlogNewest(size_t count) const override;
  size_t SlowlogLength() const override;
  void SlowlogReset() override;
  std::vector<LatencyEventSeries> LatencyEvents() const override;
  size_t LatencyReset(std::span<const std::string_view> events) override;
  CommandLatencyReport CommandLatency(const CommandSpec& command) const override;
  void AddMonitor(uint64_t client_id) override;
  KeyspaceRouter& keyspace_router() override { return *this; }

  // KeyspaceRouter
  uint32_t shard_count() const override;
  uint32_t local_shard() const override { return static_cast<uint32_t>(index_); }
  void RunOnShard(uint32_t shard, std::vector<std::string> keys, ShardWork work) override;
  std::shared_ptr<ShardTransaction> BeginTransaction(std::vector<TransactionPart> parts) override;
  int StoredDb(int db) const override;
  void SwapDatabases(int a, int b, std::function<void(Status)> done) override;
  // Runs `work` with this worker's shard: the target of RunOnShard from other threads.
  void RunOnLocalShard(std::vector<std::string> keys, ShardWork work);

 private:
  // Runs the engine's completions when its descriptor is readable.
  class IoPoller final : public IoHandler {
   public:
    explicit IoPoller(Worker& worker) : worker_(worker) {}
    void OnIoEvent(uint32_t events) override;

   private:
    Worker& worker_;
  };

  // Builds the INFO text once `keyspace` (when selected) is known.
  void FinishInfo(std::shared_ptr<const std::set<std::string>> selected,
                  std::optional<KeyspaceReport> keyspace, std::function<void(std::string)> done);
  void BeforeSleep();
  void Cron();
  void RemoveMonitor(uint64_t client_id);
  void CloseIoEngine();
  void CloseKeyspace();

  Server& server_;
  const int index_;
  EventLoop loop_;
  WorkerStats stats_;
  std::shared_ptr<const ServerConfig> config_;
  std::unique_ptr<IoEngine> io_engine_;      // loop thread only
  std::unique_ptr<KeyspaceShard> keyspace_;  // loop thread only; uses io_engine_
  IoPoller io_poller_{*this};
  int io_completion_fd_ = -1;  // watched by loop_ while io_engine_ is open

  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  // Connections with replies to write before the next wait. A closed one stays
  // listed (its object alive in closed_) until BeforeSleep has run.
  std::vector<Connection*> pending_writes_;
  std::vector<std::unique_ptr<Connection>> closed_;
  int64_t last_clients_cron_ms_ = 0;

  CommandRecorder recorder_{*this};
  std::vector<uint64_t> monitor_ids_;  // loop thread only
  std::atomic<int> monitor_count_{0};  // monitor_ids_.size(), for other threads
};

}  // namespace ferrite
