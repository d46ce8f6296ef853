#include "server/info_report.h"

#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <set>

#include "commands/command_families.h"
#include "io/io_options.h"
#include "io/io_request.h"
#include "server/event_loop.h"
#include "server/server.h"
#include "server/worker.h"
#include "util/ascii.h"

namespace ferrite {
namespace {

// Sections in the order Redis prints them, with Ferrite's `io` and `tiering` after
// `persistence`: all are about the disk, and `keyspace` stays last, where scripts look
// for it.
constexpr std::array<std::string_view, 15> kSectionOrder = {
    "server",       "clients",    "memory",       "persistence", "io",
    "tiering",      "stats",      "replication",  "cpu",         "modules",
    "commandstats", "errorstats", "latencystats", "cluster",     "keyspace"};
constexpr std::array<std::string_view, 13> kDefaultSections = {
    "server",      "clients", "memory",  "persistence", "io",      "tiering", "stats",
    "replication", "cpu",     "modules", "errorstats",  "cluster", "keyspace"};

uint64_t Sum(const Server& server, const Counter WorkerStats::*counter) {
  uint64_t total = 0;
  for (size_t i = 0; i < server.worker_count(); ++i)
    total += (server.worker(i).stats().*counter).Get();
  return total;
}

uint64_t Max(const Server& server, const Counter WorkerStats::*counter) {
  uint64_t peak = 0;
  for (size_t i = 0; i < server.worker_count(); ++i) {
    peak = std::max(peak, (server.worker(i).stats().*counter).Get());
  }
  return peak;
}

void AppendServer(std::string& out, const Server& server, const ServerConfig& config) {
  struct utsname name;
  uname(&name);
  struct timeval now;
  gettimeofday(&now, nullptr);
  const ServerIdentity& identity = server.identity();
  int64_t uptime_s = (EventLoop::MonotonicMs() - identity.start_monotonic_ms) / 1000;
  fmt::format_to(std::back_inserter(out),
                 "# Server\r\n"
                 "redis_version:{}\r\n"
                 "redis_git_sha1:00000000\r\n"
                 "redis_git_dirty:0\r\n"
                 "redis_build_id:0\r\n"
                 "redis_mode:standalone\r\n"
                 "ferrite_version:{}\r\n"
                 "os:{} {} {}\r\n"
                 "arch_bits:{}\r\n"
                 "monotonic_clock:POSIX clock_gettime\r\n"
                 "multiplexing_api:epoll\r\n"
                 "atomicvar_api:c11-builtin\r\n"
                 "gcc_version:{}.{}.{}\r\n"
                 "process_id:{}\r\n"
                 "process_supervised:no\r\n"
                 "run_id:{}\r\n"
                 "tcp_port:{}\r\n"
                 "server_time_usec:{}\r\n"
                 "uptime_in_seconds:{}\r\n"
                 "uptime_in_days:{}\r\n"
                 "hz:{}\r\n"
                 "configured_hz:{}\r\n"
                 "lru_clock:{}\r\n"
                 "executable:{}\r\n"
                 "config_file:{}\r\n"
                 "io_threads_active:0\r\n"
                 "threads:{}\r\n",
                 kRedisCompatibleVersion, FERRITE_VERSION, name.sysname, name.release, name.machine,
                 sizeof(void*) * 8, __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__, getpid(),
                 identity.run_id, server.port(),
                 static_cast<int64_t>(now.tv_sec) * 1'000'000 + now.tv_usec, uptime_s,
                 uptime_s / 86400, config.hz, config.hz, (now.tv_sec) & ((1 << 24) - 1),
                 identity.executable, config.config_file, server.worker_count());
}

void AppendClients(std::string& out, const Server& server, const ServerConfig& config) {
  fmt::format_to(std::back_inserter(out),
                 "# Clients\r\n"
                 "connected_clients:{}\r\n"
                 "cluster_connections:0\r\n"
                 "maxclients:{}\r\n"
                 "client_recent_max_input_buffer:{}\r\n"
                 "client_recent_max_output_buffer:{}\r\n"
                 "blocked_clients:0\r\n"
                 "tracking_clients:0\r\n"
                 "clients_in_timeout_table:0\r\n",
                 server.connected_clients(), config.maxclients,
                 Max(server, &WorkerStats::recent_max_input_buffer),
                 Max(server, &WorkerStats::recent_max_output_buffer));
}

// Redis's human-readable byte counts: "1.50M", "863.05K", "12B".
std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{}B", bytes) : fmt::format("{:.2f}{}", value, kUnits[unit]);
}

// Redis's memory fields, then Ferrite's keyspace figures: the budget actually in force
// (maxmemory 0 means a quarter of RAM), what the index and in-memory log use of it,
// and the log bytes that live on disk only.
void AppendMemory(std::string& out, const ServerConfig& config, const TieringReport& tiering) {
  struct mallinfo2 heap = mallinfo2();
  const uint64_t used = heap.uordblks + heap.hblkhd;
  // The highest use an INFO has seen: Ferrite samples the heap only here.
  static std::atomic<uint64_t> peak{0};
  uint64_t seen = peak.load(std::memory_order_relaxed);
  while (seen < used && !peak.compare_exchange_weak(seen, used, std::memory_order_relaxed)) {
  }
  const uint64_t used_peak = std::max(seen, used);
  uint64_t rss = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    unsigned long pages_total = 0, pages_resident = 0;
    if (std::fscanf(statm, "%lu %lu", &pages_total, &pages_resident) == 2) {
      rss = static_cast<uint64_t>(pages_resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(statm);
  }
  const uint64_t system_memory =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  fmt::format_to(std::back_inserter(out),
                 "# Memory\r\n"
                 "used_memory:{}\r\n"
                 "used_memory_human:{}\r\n"
                 "used_memory_rss:{}\r\n"
                 "used_memory_rss_human:{}\r\n"
                 "used_memory_peak:{}\r\n"
                 "used_memory_peak_human:{}\r\n"
                 "total_system_memory:{}\r\n"
                 "total_system_memory_human:{}\r\n"
                 "maxmemory:{}\r\n"
                 "maxmemory_human:{}\r\n"
                 "maxmemory_policy:{}\r\n"
                 "mem_fragmentation_ratio:{:.2f}\r\n"
                 "mem_allocator:libc\r\n"
                 "keyspace_memory_budget:{}\r\n"
                 "keyspace_memory_budget_human:{}\r\n"
                 "keyspace_memory_used:{}\r\n"
                 "keyspace_memory_used_human:{}\r\n"
                 "keyspace_bytes_on_disk:{}\r\n"
                 "keyspace_bytes_on_disk_human:{}\r\n",
                 used, HumanBytes(used), rss, HumanBytes(rss), used_peak, HumanBytes(used_peak),
                 system_memory, HumanBytes(system_memory), config.maxmemory,
                 HumanBytes(config.maxmemory), config.maxmemory_policy,
                 used == 0 ? 0.0 : static_cast<double>(rss) / static_cast<double>(used),
                 tiering.memory_budget, HumanBytes(tiering.memory_budget), tiering.memory_bytes,
                 HumanBytes(tiering.memory_bytes), tiering.log_bytes_on_disk,
                 HumanBytes(tiering.log_bytes_on_disk));
}

void AppendPersistence(std::string& out, const Server& server) {
  // Nothing is persisted yet; these are Redis's fields for a server that never saved.
  fmt::format_to(std::back_inserter(out),
                 "# Persistence\r\n"
                 "loading:0\r\n"
                 "async_loading:0\r\n"
                 "rdb_changes_since_last_save:0\r\n"
                 "rdb_bgsave_in_progress:0\r\n"
                 "rdb_last_save_time:{}\r\n"
                 "rdb_last_bgsave_status:ok\r\n"
                 "rdb_last_bgsave_time_sec:-1\r\n"
                 "rdb_current_bgsave_time_sec:-1\r\n"
                 "aof_enabled:0\r\n"
                 "aof_rewrite_in_progress:0\r\n"
                 "aof_rewrite_scheduled:0\r\n"
                 "aof_last_rewrite_time_sec:-1\r\n"
                 "aof_current_rewrite_time_sec:-1\r\n"
                 "aof_last_bgrewrite_status:ok\r\n"
                 "aof_last_write_status:ok\r\n",
                 server.identity().start_unix_ms / 1000);
}

void AppendStats(std::string& out, const Server& server) {
  fmt::format_to(
      std::back_inserter(out),
      "# Stats\r\n"
      "total_connections_received:{}\r\n"
      "total_commands_processed:{}\r\n"
      "instantaneous_ops_per_sec:{}\r\n"
      "total_net_input_bytes:{}\r\n"
      "total_net_output_bytes:{}\r\n"
      "total_net_repl_input_bytes:0\r\n"
      "total_net_repl_output_bytes:0\r\n"
      "instantaneous_input_kbps:{:.2f}\r\n"
      "instantaneous_output_kbps:{:.2f}\r\n"
      "instantaneous_input_repl_kbps:0.00\r\n"
      "instantaneous_output_repl_kbps:0.00\r\n"
      "rejected_connections:{}\r\n"
      "sync_full:0\r\n"
      "sync_partial_ok:0\r\n"
      "sync_partial_err:0\r\n"
      "expired_keys:0\r\n"
      "expired_stale_perc:0.00\r\n"
      "expired_time_cap_reached_count:0\r\n"
      "evicted_keys:0\r\n"
      "evicted_clients:0\r\n"
      "keyspace_hits:0\r\n"
      "keyspace_misses:0\r\n"
      "pubsub_channels:0\r\n"
      "pubsub_patterns:0\r\n"
      "pubsubshard_channels:0\r\n"
      "total_forks:0\r\n"
      "unexpected_error_replies:0\r\n"
      "total_error_replies:{}\r\n"
      "total_reads_processed:{}\r\n"
      "total_writes_processed:{}\r\n"
      "io_threaded_reads_processed:0\r\n"
      "io_threaded_writes_processed:0\r\n",
      Sum(server, &WorkerStats::connections_received),
      Sum(server, &WorkerStats::commands_processed),
      static_cast<int64_t>(server.ops_per_second() + 0.5),
      Sum(server, &WorkerStats::net_input_bytes), Sum(server, &WorkerStats::net_output_bytes),
      server.input_bytes_per_second() / 1024, server.output_bytes_per_second() / 1024,
      Sum(server, &WorkerStats::rejected_connections), Sum(server, &WorkerStats::error_replies),
      Sum(server, &WorkerStats::reads_processed), Sum(server, &WorkerStats::writes_processed));
}

void AppendReplication(std::string& out, const Server& server) {
  fmt::format_to(std::back_inserter(out),
                 "# Replication\r\n"
                 "role:master\r\n"
                 "connected_slaves:0\r\n"
                 "master_failover_state:no-failover\r\n"
                 "master_replid:{}\r\n"
                 "master_replid2:0000000000000000000000000000000000000000\r\n"
                 "master_repl_offset:0\r\n"
                 "second_repl_offset:-1\r\n"
                 "repl_backlog_active:0\r\n"
                 "repl_backlog_size:0\r\n"
                 "repl_backlog_first_byte_offset:0\r\n"
                 "repl_backlog_histlen:0\r\n",
                 server.identity().run_id);
}

void AppendCpu(std::string& out) {
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  auto seconds = [](const struct timeval& tv) {
    return fmt::format("{}.{:06}", tv.tv_sec, tv.tv_usec);
  };
  fmt::format_to(std::back_inserter(out),
                 "# CPU\r\n"
                 "used_cpu_sys:{}\r\n"
                 "used_cpu_user:{}\r\n"
                 "used_cpu_sys_children:{}\r\n"
                 "used_cpu_user_children:{}\r\n",
                 seconds(self.ru_stime), seconds(self.ru_utime), seconds(children.ru_stime),
                 seconds(children.ru_utime));
}

uint64_t OpsOf(const IoStats& stats, IoOpcode opcode) {
  return stats.completed_by_opcode[static_cast<size_t>(opcode)];
}

// One line per value: INFO fields are "name:value\r\n".
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

void AppendIo(std::string& out, const Server& server, const ServerConfig& config,
              const IoReport& io) {
  const IoStats& stats = io.stats;
  // The engine's "key=value key=value" settings, as Redis writes multi-part values.
  std::string settings = OneLine(io.settings);
  std::replace(settings.begin(), settings.end(), ' ', ',');
  auto micros = [&](double percentile) {
    return fmt::format("{:.3f}", static_cast<double>(stats.latency.Percentile(percentile)) / 1000);
  };
  fmt::format_to(std::back_inserter(out),
                 "# IO\r\n"
                 "io_engine:{}\r\n"
                 "io_engine_requested:{}\r\n"
                 "io_fallback_reason:{}\r\n"
                 "io_settings:{}\r\n"
                 "io_uring_sqpoll:{}\r\n"
                 "io_direct:{}\r\n"
                 "io_pool_threads:{}\r\n"
                 "io_ops:{}\r\n"
                 "io_ops_read:{}\r\n"
                 "io_ops_readv:{}\r\n"
                 "io_ops_write:{}\r\n"
                 "io_ops_writev:{}\r\n"
                 "io_ops_fsync:{}\r\n"
                 "io_ops_fdatasync:{}\r\n"
                 "io_bytes_read:{}\r\n"
                 "io_bytes_written:{}\r\n"
                 "io_in_flight:{}\r\n"
                 "io_errors:{}\r\n"
                 "io_resubmissions:{}\r\n"
                 "io_submit_calls:{}\r\n"
                 "io_latency_p50_us:{}\r\n"
                 "io_latency_p99_us:{}\r\n"
                 "io_latency_p999_us:{}\r\n",
                 IoEngineKindName(server.io_engine_kind()), IoEngineKindName(config.io.engine),
                 OneLine(server.io_fallback_reason()), settings, config.io.uring_sqpoll ? 1 : 0,
                 config.io.direct_io ? 1 : 0, config.io.pool_threads, stats.completed(),
                 OpsOf(stats, IoOpcode::kRead), OpsOf(stats, IoOpcode::kReadv),
                 OpsOf(stats, IoOpcode::kWrite), OpsOf(stats, IoOpcode::kWritev),
                 OpsOf(stats, IoOpcode::kFsync), OpsOf(stats, IoOpcode::kFdatasync),
                 stats.bytes_read, stats.bytes_written, io.in_flight, stats.errors,
                 stats.resubmissions, stats.submit_calls, micros(50), micros(99), micros(99.9));
}

void AppendCommandStats(std::string& out, const Server& server) {
  out += "# Commandstats\r\n";
  for (const CommandSpec* command : server.commands().all_specs()) {
    uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
    for (size_t i = 0; i < server.worker_count(); ++i) {
      const CommandCounters& counters = server.worker(i).stats().command(command->index);
      calls += counters.calls.Get();
      usec += counters.usec.Get();
      rejected += counters.rejected_calls.Get();
      failed += counters.failed_calls.Get();
    }
    if (calls == 0 && rejected == 0 && failed == 0) continue;
    double per_call = calls == 0 ? 0.0 : static_cast<double>(usec) / static_cast<double>(calls);
    fmt::format_to(std::back_inserter(out),
                   "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},"
                   "failed_calls={}\r\n",
                   command->full_name, calls, usec, per_call, rejected, failed);
  }
}

void AppendErrorStats(std::string& out, const Server& server) {
  out += "# Errorstats\r\n";
  std::map<std::string, uint64_t> totals;
  for (size_t i = 0; i < server.worker_count(); ++i) {
    for (const auto& [code, count] : server.worker(i).stats().ErrorCodes()) totals[code] += count;
  }
  for (const auto& [code, count] : totals) {
    fmt::format_to(std::back_inserter(out), "errorstat_{}:count={}\r\n", code, count);
  }
}

}  // namespace

std::set<std::string> SelectInfoSections(std::span<const std::string_view> requested) {
  std::set<std::string> selected;
  if (requested.empty()) {
    selected.insert(kDefaultSections.begin(), kDefaultSections.end());
    return selected;
  }
  for (std::string_view name : requested) {
    std::string lower(UntilNul(name));  // Redis reads section names as C strings
    for (char& c : lower) c = AsciiLower(c);
    if (lower == "all" || lower == "everything") {
      selected.insert(kSectionOrder.begin(), kSectionOrder.end());
    } else if (lower == "default") {
      selected.insert(kDefaultSections.begin(), kDefaultSections.end());
    } else {
      selected.insert(lower);
    }
  }
  return selected;
}

void AppendTiering(std::string& out, const TieringReport& t) {
  fmt::format_to(std::back_inserter(out),
                 "# Tiering\r\n"
                 "memory_budget:{}\r\n"
                 "memory_used:{}\r\n"
                 "index_bytes:{}\r\n"
                 "index_entries:{}\r\n"
                 "log_bytes_in_memory:{}\r\n"
                 "log_bytes_on_disk:{}\r\n"
                 "reads_from_mutable:{}\r\n"
                 "reads_from_read_only:{}\r\n"
                 "reads_from_disk:{}\r\n"
                 "pending_lookups:{}\r\n"
                 "disk_reads:{}\r\n"
                 "operations_in_flight:{}\r\n"
                 "pages_flushed:{}\r\n"
                 "pages_evicted:{}\r\n"
                 "checkpoints:{}\r\n"
                 "compacted_segments:{}\r\n"
                 "compaction_copied_records:{}\r\n",
                 t.memory_budget, t.memory_bytes, t.index_bytes, t.index_entries,
                 t.log_bytes_in_memory, t.log_bytes_on_disk, t.found_mutable, t.found_read_only,
                 t.found_disk, t.pending_lookups, t.disk_reads, t.pending_now, t.pages_flushed,
                 t.evictions, t.checkpoints, t.compacted_segments, t.compaction_copied);
}

void AppendKeyspace(std::string& out, const KeyspaceReport& keyspace) {
  out += "# Keyspace\r\n";
  if (!keyspace.status.ok()) {
    // Redis has no failing count; the line says why the figures are missing.
    fmt::format_to(std::back_inserter(out), "keyspace_error:{}\r\n", keyspace.status.message());
    return;
  }
  for (const auto& [db, count] : keyspace.databases) {
    if (count.keys == 0) continue;
    const int64_t avg_ttl =
        count.expires == 0 ? 0 : count.ttl_sum_ms / static_cast<int64_t>(count.expires);
    fmt::format_to(std::back_inserter(out), "db{}:keys={},expires={},avg_ttl={}\r\n", db,
                   count.keys, count.expires, avg_ttl);
  }
}

std::string BuildInfoReport(const Server& server, const std::set<std::string>& selected,
                            const WorkerReport& workers, const KeyspaceReport& keyspace) {
  std::shared_ptr<const ServerConfig> config = server.config();
  std::string out;
  for (std::string_view section : kSectionOrder) {
    if (!selected.contains(std::string(section))) continue;
    if (!out.empty()) out += "\r\n";
    if (section == "server") AppendServer(out, server, *config);
    if (section == "clients") AppendClients(out, server, *config);
    if (section == "memory") AppendMemory(out, *config, workers.tiering);
    if (section == "persistence") AppendPersistence(out, server);
    if (section == "io") AppendIo(out, server, *config, workers.io);
    if (section == "tiering") AppendTiering(out, workers.tiering);
    if (section == "stats") AppendStats(out, server);
    if (section == "replication") AppendReplication(out, server);
    if (section == "cpu") AppendCpu(out);
    if (section == "modules") out += "# Modules\r\n";
    if (section == "commandstats") AppendCommandStats(out, server);
    if (section == "errorstats") AppendErrorStats(out, server);
    // Per-command latency percentiles are not tracked yet: the section is empty.
    if (section == "latencystats") out += "# Latencystats\r\n";
    if (section == "cluster") out += "# Cluster\r\ncluster_enabled:0\r\n";
    if (section == "keyspace") AppendKeyspace(out, keyspace);
  }
  return out;
}

}  // namespace ferrite
