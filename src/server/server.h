// The server: its worker threads, listening sockets, the master copy of the
// configuration and what every thread shares (client ids and count, identity, the I/O
// engine chosen for all). Started and stopped from the main thread; shared parts are
// safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "commands/command_registry.h"
#include "commands/server_api.h"
#include "ferrite/status.h"
#include "io/io_options.h"
#include "server/latency_monitor.h"
#include "server/server_config.h"
#include "server/server_stats.h"
#include "server/slow_log.h"
#include "store/database_map.h"

namespace ferrite {

class Listener;
class Worker;
struct KeyspaceShardOptions;

// Facts about the running process, for INFO server.
struct ServerIdentity {
  std::string run_id;  // 40 random hex digits, new at each start
  int64_t start_unix_ms = 0;
  int64_t start_monotonic_ms = 0;
  std::string executable;
};

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening sockets, starts the worker threads, then serves clients.
  // Startup only.
  Status Start();
  // The steps of Start(), for a caller that reports readiness before serving.
  // Binds the listening sockets.
  Status Listen();
  // Chooses the I/O engine (io.engine; `auto` falls back to the thread pool with one
  // warning saying why), then starts the worker threads. Each creates its own engine
  // on its own thread; this returns once all have, or with the first failure (the
  // workers then stop with Stop()). Fails when `uring` was asked for and io_uring
  // can't be used here, saying why.
  Status StartWorkers();
  // Starts accepting connections. REQUIRES: Listen() and StartWorkers() succeeded.
  void Serve();
  // Blocks until SIGINT or SIGTERM arrives or RequestShutdown() is called. The signals
  // must be blocked in every thread beforehand (BlockShutdownSignals).
  void WaitForShutdown();
  // Any thread: makes WaitForShutdown() return.
  void RequestShutdown(std::string reason);
  bool shutdown_requested() const { return shutdown_requested_.load(std::memory_order_acquire); }
  // Closes the listeners and every connection, and joins the workers.
  void Stop();

  // The TCP port actually bound (differs from the configured one when that is 0).
  int port() const { return bound_port_; }

  // The engine every worker runs (never kAuto), and why `auto` did not choose
  // io_uring (empty when it did, or was not asked to choose). Set by StartWorkers().
  IoEngineKind io_engine_kind() const { return io_engine_kind_; }
  const std::string& io_fallback_reason() const { return io_fallback_reason_; }

  const CommandRegistry& commands() const { return *commands_; }
  const ServerIdentity& identity() const { return identity_; }
  std::shared_ptr<const ServerConfig> config() const;
  // CONFIG SET: validates and applies `changes`, then installs the new configuration
  // on every worker; `done` runs on `origin`'s thread after all have it.
  void ChangeConfig(ConfigPairs changes, Worker& origin, std::function<void(Status)> done);

  size_t worker_count() const { return workers_.size(); }
  Worker& worker(size_t index) { return *workers_[index]; }
  const Worker& worker(size_t index) const { return *workers_[index]; }
  // Round-robin choice of the worker a new connection goes to.
  Worker& PickWorkerForConnection();

  // Called by worker 0's cron: samples the totals behind INFO's instantaneous rates.
  void SampleMetrics(int64_t now_ms);
  double ops_per_second() const { return ops_rate_.PerSecond(); }
  double input_bytes_per_second() const { return input_rate_.PerSecond(); }
  double output_bytes_per_second() const { return output_rate_.PerSecond(); }

  uint64_t NextClientId() { return next_client_id_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connected_clients() const { return connected_clients_.load(std::memory_order_relaxed); }
  void ClientConnected() { connected_clients_.fetch_add(1, std::memory_order_relaxed); }
  void ClientDisconnected() { connected_clients_.fetch_sub(1, std::memory_order_relaxed); }

  // SLOWLOG and LATENCY's shared state (ADR 0013). Any thread.
  SlowLog& slow_log() { return slow_log_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  // Monitors attached on any worker: checked, with one relaxed load, after every
  // command. Changed by the worker that adds or drops a monitor.
  bool monitors_attached() const { return monitors_.load(std::memory_order_relaxed) > 0; }
  void MonitorAdded() { monitors_.fetch_add(1, std::memory_order_relaxed); }
  void MonitorRemoved() { monitors_.fetch_sub(1, std::memory_order_relaxed); }

  // Held while a multi-shard transaction posts its first steps, so that every shard
  // receives transactions in one order (worker_transaction.h).
  std::mutex& transaction_order_mutex() { return transaction_order_mutex_; }
  // SWAPDB's map of databases, kept in the data directory. Opened by StartWorkers().
  DatabaseMap& database_map() { return *database_map_; }

  // Runs `per_worker` on every worker's thread and hands the results, in worker
  // order, to `done` on `origin`'s thread.
  template <typename T>
  void Gather(Worker& origin, std::function<T(Worker&)> per_worker,
              std::function<void(std::vector<T>)> done);

 private:
  // Checks the data directory's layout and the memory budget, and makes each shard's
  // options (directory dir/shard-<i>, its share of the budget).
  Result<std::vector<KeyspaceShardOptions>> PlanShards() const;
  void PostToWorker(size_t index, std::function<void()> task);
  void PostToOrigin(Worker& origin, std::function<void()> task);

  std::unique_ptr<CommandRegistry> commands_;
  ServerIdentity identity_;

  mutable std::mutex config_mutex_;
  std::shared_ptr<const ServerConfig> config_;  // guarded by config_mutex_

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Listener> listener_;
  int bound_port_ = 0;
  // Written by StartWorkers() before the threads start; read-only afterwards.
  IoEngineKind io_engine_kind_ = IoEngineKind::kThreads;
  std::string io_fallback_reason_;
  std::mutex transaction_order_mutex_;
  std::unique_ptr<DatabaseMap> database_map_;
  std::atomic<uint64_t> next_worker_{0};
  std::atomic<uint64_t> next_client_id_{1};
  std::atomic<int64_t> connected_clients_{0};
  SlowLog slow_log_;
  LatencyMonitor latency_monitor_;
  std::atomic<int> monitors_{0};

  RateSampler ops_rate_;
  RateSampler input_rate_;
  RateSampler output_rate_;

  int shutdown_fd_ = -1;  // eventfd written by RequestShutdown
  std::atomic<bool> shutdown_requested_{false};
  std::mutex shutdown_mutex_;
  std::string shutdown_reason_;  // guarded by shutdown_mutex_
  bool stopped_ = false;
};

// The keyspace's memory budget: maxmemory, or a quarter of the machine's memory.
uint64_t EffectiveMemoryBudget(const ServerConfig& config);

// Blocks SIGINT and SIGTERM in the calling thread (and the threads it creates later),
// so that Server::WaitForShutdown receives them, and ignores SIGPIPE.
void BlockShutdownSignals();

// Raises the open-files limit so that `maxclients` clients fit. Returns how many
// clients the limit allows (maxclients itself when it could be raised far enough).
int64_t RaiseOpenFilesLimit(int64_t maxclients, int reserved_fds);

template <typename T>
void Server::Gather(Worker& origin, std::function<T(Worker&)> per_worker,
                    std::function<void(std::vector<T>)> done) {
  struct State {
    std::mutex mutex;
    std::vector<T> results;
    size_t remaining;
    std::function<void(std::vector<T>)> done;
  };
  auto state = std::make_shared<State>();
  state->results.resize(workers_.size());
  state->remaining = workers_.size();
  state->done = std::move(done);
  for (size_t i = 0; i < workers_.size(); ++i) {
    PostToWorker(i, [this, i, state, per_worker, &origin] {
      T result = per_worker(*workers_[i]);
      std::lock_guard<std::mutex> lock(state->mutex);
      state->results[i] = std::move(result);
      if (--state->remaining == 0) {
        PostToOrigin(origin, [state] { state->done(std::move(state->results)); });
      }
    });
  }
}

}  // namespace ferrite
