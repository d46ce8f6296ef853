// Db: Ferrite's engine as an embedded key-value library. Keys are spread over shards;
// each shard is one thread that owns its I/O engine and log store (ADR 0008), so data
// sets larger than the memory budget live mostly on disk.
//
// Thread safety: every method may be called from any thread, concurrently. Operations
// on one key from one thread apply in call order.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ferrite/status.h"

namespace ferrite {

// The I/O settings of each shard's engine (the embedded subset of the server's [io]
// section; see src/io/io_options.h for the full meaning).
struct DbIoOptions {
  // kAuto: io_uring when the kernel allows it, else the thread pool (a warning says why).
  enum class Engine : uint8_t { kAuto, kUring, kThreads };
  Engine engine = Engine::kAuto;
  // io_uring: submission queue entries.
  uint32_t uring_entries = 256;
  // Buffers registered with the kernel, each registered_buffer_size bytes.
  uint32_t registered_buffers = 64;
  size_t registered_buffer_size = 64 * 1024;
  // Thread-pool engine: worker threads per shard.
  uint32_t pool_threads = 8;
};

struct DbOptions {
  // Bytes of memory for the hash index and the log pages together, over all shards.
  // Every shard gets an equal share, which must hold at least 4 pages; the index takes
  // what it needs and the log keeps the rest in whole pages (never fewer than 4, so an
  // index that outgrows a share exceeds it).
  uint64_t memory_budget = uint64_t{256} << 20;
  // Shard threads; a key belongs to one shard.
  uint32_t shards = 1;
  // Which I/O engine each shard creates, and its settings.
  DbIoOptions io;
  // Log page size: a power of two from 4 KiB to 64 MiB. A record must fit in a page.
  uint64_t page_size = uint64_t{1} << 20;
  // Log files are opened with O_DIRECT (no page cache).
  bool direct_io = true;
  // The log on disk is cut into segment files of this size (a power of two, at least
  // page_size); compaction reclaims space a segment at a time.
  uint64_t segment_size = uint64_t{64} << 20;
  // Compaction copies the live records of the oldest segments forward once a shard's
  // log passes this many times its estimated live data; writes wait when the log
  // outgrows that by two more segments while compaction runs. 0 turns it off.
  double compaction_trigger = 2.0;
};

// Counters and sizes summed over the shards; a snapshot, each shard read on its thread.
struct DbStats {
  // ---- Memory (bytes)
  uint64_t memory_budget = 0;        // the shards' shares of the budget
  uint64_t index_bytes = 0;          // hash index tables and overflow buckets
  uint64_t log_memory_bytes = 0;     // page buffers the logs hold
  uint64_t log_bytes_in_memory = 0;  // log bytes held in frames: [head, tail)
  // ---- Disk (bytes)
  uint64_t log_bytes_total = 0;  // the whole log: [begin, tail)
  uint64_t index_entries = 0;
  // ---- Lookups that found a record, by where they found it
  uint64_t found_mutable = 0;
  uint64_t found_read_only = 0;
  uint64_t found_disk = 0;
  uint64_t pending_lookups = 0;  // lookups that read from disk
  uint64_t disk_reads = 0;       // record reads issued by them
  // ---- Log maintenance
  uint64_t pages_flushed = 0;
  uint64_t evictions = 0;
  uint64_t checkpoints = 0;
  uint64_t compacted_segments = 0;
  uint64_t compaction_copied = 0;  // live records copied forward by compaction
};

class Db {
 public:
  // Gets the current value (nullopt when the key is missing) and returns the new one;
  // nullopt leaves the key as it is. May run more than once for one call, on the key's
  // shard thread: it must have no effects besides its result and must not block.
  using UpdateFunction =
      std::function<std::optional<std::string>(std::optional<std::string_view> old_value)>;
  using ReadCallback = std::function<void(Result<std::string>)>;
  using StatusCallback = std::function<void(Status)>;
  using BoolCallback = std::function<void(Result<bool>)>;

  // Opens (or creates) the database in `dir`, shard i in `dir/shard-<i>/`, recovering
  // what a previous Checkpoint() or Close() made durable. The I/O engine kind is chosen
  // once for all shards. InvalidArgument for bad options, and for a shard count other
  // than the one the directory was created with (its FERRITE file records it: keys are
  // placed by it); the shard's error when one fails to open.
  static Result<std::unique_ptr<Db>> Open(const std::string& dir, DbOptions options = {});

  // Close(), ignoring its status.
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // ---- Blocking API. Each call waits for the key's shard. REQUIRES: not called from a
  // callback of the asynchronous API (the shard would wait for itself).

  // The value; NotFound when the key is missing or expired.
  Result<std::string> Get(std::string_view key);
  Status Set(std::string_view key, std::string_view value);
  // Sets the value with a time to live; the key reads as missing once it passed.
  Status Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl);
  // True when a live key was deleted.
  Result<bool> Del(std::string_view key);
  Result<bool> Exists(std::string_view key);
  // Gives a live key a new time to live, keeping its value; false when it is missing.
  // A ttl <= 0 makes it expire at once.
  Result<bool> Expire(std::string_view key, std::chrono::milliseconds ttl);
  // Read-modify-write of one key, atomic with respect to every other operation on it.
  // A key's expiry stays as it was.
  Status Update(std::string_view key, UpdateFunction update);

  // ---- Asynchronous API. The callback runs exactly once, on the key's shard thread:
  // it must not block (no blocking API calls), and may call other asynchronous
  // functions. After Close() the callback runs at once on the caller's thread with
  // Shutdown.

  void GetAsync(std::string_view key, ReadCallback callback);
  void SetAsync(std::string_view key, std::string_view value, StatusCallback callback);
  // Gets true when a live key was deleted.
  void DelAsync(std::string_view key, BoolCallback callback);

  // Makes every write that completed before the call durable and current in a
  // checkpoint of every shard (log flushed, index snapshot, manifest; ADR 0009), so
  // that reopening restores the index instead of replaying the log. Waits for it.
  Status Checkpoint();
  // Finishes every operation, makes everything durable and stops the shard threads.
  // Later calls get Shutdown. Idempotent: a second call returns the first one's status.
  Status Close();

  // Gathers every shard's figures (waits for each shard thread).
  Result<DbStats> Stats();
  // Changes the memory budget (split equally over the shards, as at Open()); lowering
  // it moves log pages to disk as their flushes complete. InvalidArgument when a
  // shard's share would hold fewer than 4 pages.
  Status SetMemoryBudget(uint64_t bytes);

  uint32_t shard_count() const;
  // The shard that owns `key`.
  uint32_t ShardOf(std::string_view key) const;
  // "uring" or "threads".
  std::string_view io_engine_name() const;

 private:
  struct Impl;
  explicit Db(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace ferrite
