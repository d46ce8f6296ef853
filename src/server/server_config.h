// The server's settings, typed. Filled at startup from defaults, the TOML file and the
// command line (config_loader), changed at run time by CONFIG SET (config_params);
// every worker thread reads its own immutable snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commands/server_diagnostics.h"
#include "io/io_options.h"

namespace ferrite {

struct OutputBufferLimit {
  uint64_t hard_bytes = 0;  // 0: no limit
  uint64_t soft_bytes = 0;  // 0: no limit
  int64_t soft_seconds = 0;
};

// Redis's client-output-buffer-limit classes.
struct OutputBufferLimits {
  OutputBufferLimit normal{0, 0, 0};
  OutputBufferLimit replica{256ull << 20, 64ull << 20, 60};
  OutputBufferLimit pubsub{32ull << 20, 8ull << 20, 60};
};

struct ServerConfig {
  std::vector<std::string> bind = {"127.0.0.1"};
  int port = 6379;
  int tcp_backlog = 511;
  int64_t maxclients = 10000;
  int64_t timeout_seconds = 0;  // idle clients are closed after this long; 0: never
  int64_t tcp_keepalive_seconds = 300;
  std::string requirepass;
  int databases = 16;
  uint64_t client_query_buffer_limit = 1ull << 30;
  uint64_t proto_max_bulk_len = 512ull << 20;
  OutputBufferLimits output_buffer_limits;
  std::string dir = "./data";
  std::string logfile;  // empty: standard output
  std::string loglevel = "notice";
  int threads = 0;  // 0: one per core
  int hz = 10;
  // Persistence arrives with the AOF and checkpoints; until then these report the
  // truth (nothing is saved) and cannot be changed.
  std::string save;
  bool appendonly = false;
  // Bytes of memory for the keyspace's hash index and in-memory log together, over all
  // shards (Redis's maxmemory; Ferrite moves what does not fit to disk rather than
  // evicting it). 0: a quarter of the machine's memory.
  uint64_t maxmemory = 0;
  // Redis's eviction policy. Ferrite never evicts (what does not fit in memory goes to
  // disk), so the policy is kept for CONFIG GET and for the OBJECT subcommands whose
  // answers Redis ties to it.
  std::string maxmemory_policy = "noeviction";
  // The slow log keeps commands that ran at least this many microseconds (negative:
  // none), at most slowlog_max_len of them.
  int64_t slowlog_log_slower_than = 10000;
  uint64_t slowlog_max_len = 128;
  // LATENCY events record commands that ran at least this many milliseconds (0: off).
  int64_t latency_monitor_threshold = 0;
  // Per-command latency histograms (LATENCY HISTOGRAM).
  bool latency_tracking = true;
  // Who may run DEBUG. Startup only, as in Redis.
  ProtectedCommandAccess enable_debug_command = ProtectedCommandAccess::kNo;
  // The `[storage]` section: the log's geometry. Startup only.
  uint64_t storage_page_size = uint64_t{4} << 20;
  uint64_t storage_segment_size = uint64_t{64} << 20;
  // The `[io]` section (`io.engine`, ...): how each worker's IoEngine is set up.
  // Startup only.
  IoOptions io;

  // Not settable: where the configuration came from, for INFO.
  std::string config_file;
  // Bumped by every CONFIG SET, so workers can ignore a snapshot older than theirs.
  uint64_t version = 0;
};

// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
std::string FormatOutputBufferLimits(const OutputBufferLimits& limits);
// Parses Redis's syntax (classes may be partial; memory units allowed). Returns the
// error message Redis would give, or an empty string on success.
std::string ParseOutputBufferLimits(std::string_view text, OutputBufferLimits& limits);

}  // namespace ferrite
