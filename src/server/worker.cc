#include "server/worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

#include "io/engine_factory.h"
#include "server/config_params.h"
#include "server/connection.h"
#include "server/info_report.h"
#include "server/latency_buckets.h"
#include "server/server.h"
#include "server/worker_transaction.h"

namespace ferrite {
namespace {

// Per-client checks (idle timeout, output soft limit, buffer peaks) run this often.
constexpr int64_t kClientsCronIntervalMs = 1000;

}  // namespace

Worker::Worker(Server& server, int index)
    : server_(server),
      index_(index),
      stats_(server.commands().all_specs().size()),
      config_(server.config()) {
  loop_.SetBeforeSleep([this] { BeforeSleep(); });
}

Worker::~Worker() = default;

Status Worker::OpenIoEngine(IoEngineKind kind, const IoOptions& options) {
  auto engine = CreateIoEngine(kind, options);
  if (!engine.ok()) return engine.status();
  int fd = (*engine)->completion_fd();
  if (fd < 0) return Status::ResourceExhausted("the I/O engine has no completion descriptor");
  Status watched = loop_.Watch(fd, EPOLLIN, &io_poller_);
  if (!watched.ok()) return watched;
  io_engine_ = std::move(engine).value();
  io_completion_fd_ = fd;
  return Status::Ok();
}

Status Worker::OpenKeyspace(KeyspaceShardOptions options) {
  auto shard = KeyspaceShard::Open(*io_engine_, std::move(options));
  if (!shard.ok()) return shard.status();
  keyspace_ = std::move(shard).value();
  return Status::Ok();
}

void Worker::Run() {
  loop_.RunAfter(1000 / config_->hz, [this] { Cron(); });
  loop_.Run();
  CloseKeyspace();
  CloseIoEngine();
}

void Worker::CloseKeyspace() {
  if (!keyspace_) return;
  Status closed = keyspace_->Close();
  if (!closed.ok()) {
    spdlog::error("shard {} could not checkpoint at shutdown: {}", index_, closed.message());
  }
  keyspace_.reset();
}

void Worker::CloseIoEngine() {
  if (!io_engine_) return;
  loop_.Unwatch(io_completion_fd_);
  io_completion_fd_ = -1;
  // The destructor drains: the callbacks of operations still in flight run now, here.
  io_engine_.reset();
}

void Worker::IoPoller::OnIoEvent(uint32_t) {
  // The store runs the engine's completions and then what they made possible (writes
  // that waited for the tail).
  if (worker_.keyspace_) {
    worker_.keyspace_->Poll();
  } else {
    worker_.io_engine_->Poll();
  }
}

void TieringReport::Merge(const TieringReport& other) {
  memory_budget += other.memory_budget;
  memory_bytes += other.memory_bytes;
  index_bytes += other.index_bytes;
  log_bytes_in_memory += other.log_bytes_in_memory;
  log_bytes_on_disk += other.log_bytes_on_disk;
  index_entries += other.index_entries;
  found_mutable += other.found_mutable;
  found_read_only += other.found_read_only;
  found_disk += other.found_disk;
  pending_lookups += other.pending_lookups;
  disk_reads += other.disk_reads;
  pending_now += other.pending_now;
  pages_flushed += other.pages_flushed;
  evictions += other.evictions;
  checkpoints += other.checkpoints;
  compacted_segments += other.compacted_segments;
  compaction_copied += other.compaction_copied;
}

WorkerReport Worker::Report() {
  WorkerReport report;
  if (io_engine_) {
    report.io.stats = io_engine_->stats();
    report.io.in_flight = io_engine_->in_flight();
    report.io.settings = io_engine_->settings();
  }
  if (keyspace_) {
    LogStore& store = keyspace_->store();
    const HybridLog& log = store.log();
    const LogStoreStats& stats = store.stats();
    TieringReport& t = report.tiering;
    t.memory_budget = store.memory_budget();
    t.memory_bytes = store.memory_bytes();
    t.index_bytes = store.index().memory_bytes();
    t.log_bytes_in_memory = log.tail() - log.head();
    t.log_bytes_on_disk = log.head() - log.begin();
    t.index_entries = store.index().entry_count();
    t.found_mutable = stats.found_mutable;
    t.found_read_only = stats.found_read_only;
    t.found_disk = stats.found_disk;
    t.pending_lookups = stats.pending_lookups;
    t.disk_reads = stats.disk_reads;
    t.pending_now = store.outstanding();
    t.pages_flushed = log.stats().pages_flushed;
    t.evictions = log.stats().evictions;
    t.checkpoints = stats.checkpoints;
    t.compacted_segments = stats.compacted_segments;
    t.compaction_copied = stats.compaction_copied;
  }
  return report;
}

void Worker::BeforeSleep() {
  // Disk reads the commands of this iteration prepared go out in one submission.
  if (keyspace_) keyspace_->Poll();
  recorder_.FlushMonitorLines();
  // FlushOutput never adds to pending_writes_, so indexes stay valid.
  for (size_t i = 0; i < pending_writes_.size(); ++i) pending_writes_[i]->FlushOutput();
  pending_writes_.clear();
  closed_.clear();
}

void Worker::Cron() {
  int64_t now = loop_.now_ms();
  if (now - last_clients_cron_ms_ >= kClientsCronIntervalMs) {
    last_clients_cron_ms_ = now;
    std::vector<Connection*> snapshot;
    snapshot.reserve(connections_.size());
    for (auto& [id, connection] : connections_) snapshot.push_back(connection.get());
    // Cron() may close a connection, which moves it out of connections_.
    size_t max_input = 0;
    size_t max_output = 0;
    for (Connection* connection : snapshot) {
      Connection::BufferPeaks peaks = connection->Cron(now);
      max_input = std::max(max_input, peaks.query_buffer);
      max_output = std::max(max_output, peaks.output_buffer);
    }
    // INFO's client_recent_max_*_buffer: the largest buffers of the last second.
    stats_.recent_max_input_buffer.Set(max_input);
    stats_.recent_max_output_buffer.Set(max_output);
  }
  if (index_ == 0) server_.SampleMetrics(now);
  loop_.RunAfter(1000 / config_->hz, [this] { Cron(); });
}

void Worker::AdoptConnection(int fd, uint64_t id, std::string peer, std::string local) {
  auto connection = std::make_unique<Connection>(*this, fd, id, std::move(peer), std::move(local));
  Connection* raw = connection.get();
  connections_.emplace(id, std::move(connection));
  raw->Start();
}

void Worker::InstallConfig(std::shared_ptr<const ServerConfig> config) {
  // Two CONFIG SETs from different threads may arrive in either order: keep the newer.
  if (config->version <= config_->version) return;
  if (keyspace_ && config->maxmemory != config_->maxmemory) {
    // The budget is split equally; lowering it moves log pages to disk as their flushes
    // complete. Server::ChangeConfig checked that a share holds four pages.
    const uint64_t share = EffectiveMemoryBudget(*config) / shard_count();
    Status resized = keyspace_->store().SetMemoryBudget(share);
    if (!resized.ok()) spdlog::warn("shard {}: {}", index_, resized.message());
  }
  config_ = std::move(config);
}

void Worker::OnConnectionClosed(Connection* connection) {
  server_.ClientDisconnected();
  RemoveMonitor(connection->id());
  auto it = connections_.find(connection->id());
  if (it != connections_.end()) {
    closed_.push_back(std::move(it->second));
    connections_.erase(it);
  }
}

void Worker::AddMonitor(uint64_t client_id) {
  monitor_ids_.push_back(client_id);
  monitor_count_.store(static_cast<int>(monitor_ids_.size()), std::memory_order_relaxed);
  server_.MonitorAdded();
}

void Worker::RemoveMonitor(uint64_t client_id) {
  auto it = std::find(monitor_ids_.begin(), monitor_ids_.end(), client_id);
  if (it == monitor_ids_.end()) return;
  monitor_ids_.erase(it);
  monitor_count_.store(static_cast<int>(monitor_ids_.size()), std::memory_order_relaxed);
  server_.MonitorRemoved();
}

void Worker::DeliverMonitorText(const std::string& text) {
  // Closed monitors left the list when they closed; one that ran RESET since leaves it
  // here, at the first line it no longer gets. Writing may close a monitor over its
  // output limit, which edits the list: walk a copy.
  std::vector<uint64_t> ids = monitor_ids_;
  for (uint64_t id : ids) {
    auto it = connections_.find(id);
    if (it == connections_.end() || !it->second->is_monitor()) {
      RemoveMonitor(id);
    } else {
      it->second->WriteMonitorText(text);
    }
  }
}

void Worker::ResumeClient(uint64_t id, DeferredReply::Writer writer) {
  auto it = connections_.find(id);
  if (it != connections_.end()) it->second->Resume(std::move(writer));
}

std::vector<std::pair<uint64_t, std::string>> Worker::DescribeClients(
    const ClientFilter& filter) const {
  std::vector<std::pair<uint64_t, std::string>> out;
  for (const auto& [id, connection] : connections_) {
    if (connection->Matches(filter)) out.emplace_back(id, connection->Describe());
  }
  return out;
}

size_t Worker::KillMatchingClients(const ClientFilter& filter, uint64_t caller_id) {
  std::vector<Connection*> matched;
  for (auto& [id, connection] : connections_) {
    if (connection->Matches(filter)) matched.push_back(connection.get());
  }
  for (Connection* connection : matched) connection->Kill(caller_id);
  return matched.size();
}

void Worker::CloseAllConnections() {
  std::vector<Connection*> all;
  for (auto& [id, connection] : connections_) all.push_back(connection.get());
  for (Connection* connection : all) connection->Close();
  pending_writes_.clear();
  closed_.clear();
}

const CommandRegistry& Worker::commands() const { return server_.commands(); }

bool Worker::CheckPassword(std::string_view user, std::string_view password) const {
  if (user != "default") return false;
  const std::string& expected = config_->requirepass;
  if (expected.empty()) return true;  // the default user needs no password
  // Compare in time independent of where the first difference is.
  unsigned char difference = expected.size() == password.size() ? 0 : 1;
  for (size_t i = 0; i < password.size(); ++i) {
    difference |= static_cast<unsigned char>(password[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

ConfigPairs Worker::ConfigGet(std::span<const std::string_view> patterns) const {
  return MatchConfigParams(*config_, patterns);
}

void Worker::ConfigSet(ConfigPairs changes, std::function<void(Status)> done) {
  server_.ChangeConfig(std::move(changes), *this, std::move(done));
}

void Worker::ResetStats(std::function<void()> done) {
  server_.Gather<bool>(
      *this,
      [](Worker& worker) {
        worker.stats().Reset();
        if (worker.io_engine_) worker.io_engine_->ResetStats();
        return true;
      },
      [done = std::move(done)](std::vector<bool>) { done(); });
}

void Worker::Info(std::span<const std::string_view> sections,
                  std::function<void(std::string)> done) {
  auto selected = std::make_shared<const std::set<std::string>>(SelectInfoSections(sections));
  if (!selected->contains("keyspace")) {
    FinishInfo(std::move(selected), std::nullopt, std::move(done));
    return;
  }
  CountKeyspace([this, selected, done = std::move(done)](Result<DatabaseCounts> counts) mutable {
    KeyspaceReport keyspace;
    if (!counts.ok()) {
      keyspace.status = counts.status();
    } else {
      // Clients number databases through SWAPDB's map; the counts are by stored one.
      for (int db = 0; db < config_->databases; ++db) {
        keyspace.databases.emplace_back(db, (*counts)[StoredDb(db)]);
      }
    }
    FinishInfo(std::move(selected), std::move(keyspace), std::move(done));
  });
}

void Worker::FinishInfo(std::shared_ptr<const std::set<std::string>> selected,
                        std::optional<KeyspaceReport> keyspace,
                        std::function<void(std::string)> done) {
  KeyspaceReport no_keyspace;
  if (!selected->contains("io") && !selected->contains("tiering") &&
      !selected->contains("memory")) {
    done(BuildInfoReport(server_, *selected, WorkerReport{}, keyspace ? *keyspace : no_keyspace));
    return;
  }
  // Each engine's and shard's counters belong to its worker's thread: read them there.
  server_.Gather<WorkerReport>(
      *this, [](Worker& worker) { return worker.Report(); },
      [this, selected = std::move(selected), keyspace = std::move(keyspace),
       done = std::move(done)](std::vector<WorkerReport> parts) {
        WorkerReport total;
        for (const WorkerReport& part : parts) total.Merge(part);
        done(BuildInfoReport(server_, *selected, total, keyspace ? *keyspace : KeyspaceReport{}));
      });
}

void Worker::CountKeyspace(std::function<void(Result<DatabaseCounts>)> done) {
  struct State {
    std::mutex mutex;
    Status status;
    DatabaseCounts total;
    size_t remaining = 0;
    std::function<void(Result<DatabaseCounts>)> done;
  };
  auto state = std::make_shared<State>();
  state->remaining = shard_count();
  state->done = std::move(done);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (uint32_t shard = 0; shard < shard_count(); ++shard) {
    RunOnShard(shard, {}, [this, state, now_ms](KeyspaceShard& keyspace, KeyGate::Release release) {
      // No keys are held: the walk sees each key as it is when it reaches it.
      release();
      CountDatabases(keyspace, now_ms, [this, state](Result<DatabaseCounts> counts) {
        std::lock_guard<std::mutex> lock(state->mutex);
        if (!counts.ok() && state->status.ok()) state->status = counts.status();
        if (counts.ok()) {
          for (size_t db = 0; db < counts->size(); ++db) state->total[db].Merge((*counts)[db]);
        }
        if (--state->remaining > 0) return;
        loop_.Post([state] {
          if (!state->status.ok()) return state->done(state->status);
          state->done(std::move(state->total));
        });
      });
    });
  }
}

void Worker::ListClients(ClientFilter filter,
                         std::function<void(std::vector<std::pair<uint64_t, std::string>>)> done) {
  using Lines = std::vector<std::pair<uint64_t, std::string>>;
  server_.Gather<Lines>(
      *this,
      [filter = std::move(filter)](Worker& worker) { return worker.DescribeClients(filter); },
      [done = std::move(done)](std::vector<Lines> parts) {
        Lines all;
        for (Lines& part : parts) {
          all.insert(all.end(), std::make_move_iterator(part.begin()),
                     std::make_move_iterator(part.end()));
        }
        done(std::move(all));
      });
}

void Worker::KillClients(ClientFilter filter, uint64_t caller_id,
                         std::function<void(size_t)> done) {
  server_.Gather<size_t>(
      *this,
      [filter = std::move(filter), caller_id](Worker& worker) {
        return worker.KillMatchingClients(filter, caller_id);
      },
      [done = std::move(done)](std::vector<size_t> counts) {
        size_t total = 0;
        for (size_t count : counts) total += count;
        done(total);
      });
}

Status Worker::Shutdown(const ShutdownRequest&) {
  // Nothing is persisted yet, so SAVE/NOSAVE/NOW/FORCE change nothing.
  server_.RequestShutdown("User requested shutdown...");
  return Status::Ok();
}

bool Worker::ShutdownRequested() const { return server_.shutdown_requested(); }

std::vector<SlowlogEntry> Worker::SlowlogNewest(size_t count) const {
  return server_.slow_log().Newest(count);
}

size_t Worker::SlowlogLength() const { return server_.slow_log().size(); }

void Worker::SlowlogReset() { server_.slow_log().Reset(); }

std::vector<LatencyEventSeries> Worker::LatencyEvents() const {
  return server_.latency_monitor().Events();
}

size_t Worker::LatencyReset(std::span<const std::string_view> events) {
  return server_.latency_monitor().Reset(events);
}

CommandLatencyReport Worker::CommandLatency(const CommandSpec& command) const {
  // The counters are relaxed atomics that every worker writes on its own thread: read
  // them here, as INFO commandstats does. A call finishing meanwhile may be missed.
  uint64_t buckets[kLatencyBucketCount] = {};
  for (size_t w = 0; w < server_.worker_count(); ++w) {
    const CommandCounters& counters = server_.worker(w).stats().command(command.index);
    for (int b = 0; b < kLatencyBucketCount; ++b) buckets[b] += counters.latency_buckets[b].Get();
  }
  CommandLatencyReport report;
  for (int b = 0; b < kLatencyBucketCount; ++b) {
    if (buckets[b] == 0) continue;
    report.calls += buckets[b];
    report.cumulative.emplace_back(LatencyBucketBoundMicros(b), report.calls);
  }
  return report;
}

uint32_t Worker::shard_count() const { return static_cast<uint32_t>(server_.worker_count()); }

void Worker::RunOnLocalShard(std::vector<std::string> keys, ShardWork work) {
  if (!keyspace_) return;  // shutting down: the client is going away too
  KeyspaceShard* shard = keyspace_.get();
  shard->gate().Run(std::move(keys), [shard, work = std::move(work)](KeyGate::Release release) {
    work(*shard, std::move(release));
  });
}

void Worker::RunOnShard(uint32_t shard, std::vector<std::string> keys, ShardWork work) {
  if (shard == local_shard()) {
    RunOnLocalShard(std::move(keys), std::move(work));
    return;
  }
  Worker& owner = server_.worker(shard);
  owner.loop().Post([&owner, keys = std::move(keys), work = std::move(work)]() mutable {
    owner.RunOnLocalShard(std::move(keys), std::move(work));
  });
}

int Worker::StoredDb(int db) const { return server_.database_map().Stored(db); }

void Worker::SwapDatabases(int a, int b, std::function<void(Status)> done) {
  Status swapped;
  {
    // Ordered with the first steps of cross-shard transactions: every shard's loop
    // receives the barrier below after the steps of transactions begun before the swap
    // and before those of transactions begun after it (ADR 0012, decision 7).
    std::lock_guard<std::mutex> order(server_.transaction_order_mutex());
    swapped = server_.database_map().Swap(a, b);
    if (swapped.ok()) {
      // Replies once every shard's loop has run what was posted to it before the swap.
      server_.Gather<bool>(
          *this, [](Worker&) { return true; }, [done](std::vector<bool>) { done(Status::Ok()); });
    }
  }
  if (!swapped.ok()) done(std::move(swapped));
}

std::shared_ptr<ShardTransaction> Worker::BeginTransaction(std::vector<TransactionPart> parts) {
  return std::make_shared<WorkerTransaction>(server_, *this, std::move(parts));
}

}  // namespace ferrite
