// LogStore: the key operations of one shard (ADR 0008) on a HybridLog and a HashIndex.
// A key's records form a chain through their previous addresses, newest first; the
// index points at the newest record of each chain. Chains may hold records of other keys
// (same bucket and tag), so every step compares the full key.
//
// Shard thread only: every call and every callback runs on the engine's owner thread.
//
// Callbacks: an operation whose chain walk stays in memory (and whose write need not
// wait for a flush) completes inside the call; one that must read below the head goes
// PENDING and completes from the engine (Poll/Wait). Callers must accept both. Each
// callback runs exactly once; the store's destructor completes every operation first.
//
// Back-pressure: a write that finds the tail blocked (HybridLog::Allocate answered Busy)
// waits in a FIFO queue; every later write queues behind it, so writes apply in call
// order. The queue advances from Poll() / Wait(): an owner drives the store with those
// instead of calling the engine's directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "storage/hash_index.h"
#include "storage/hybrid_log.h"
#include "storage/record.h"

namespace ferrite {

struct LogStoreOptions {
  HybridLogOptions log;
  // Initial buckets of the hash index; it grows as keys are added.
  uint64_t index_buckets = 1024;
  // Unix milliseconds; records with expiry <= now() read as missing. Null: system clock.
  std::function<int64_t()> clock;
};

struct LogStoreStats {
  // Where lookups that found a record (value or tombstone) found it.
  uint64_t found_mutable = 0;
  uint64_t found_read_only = 0;
  uint64_t found_disk = 0;
  uint64_t lookups = 0;          // chain walks started (restarts included)
  uint64_t pending_lookups = 0;  // walks that went below the head
  uint64_t disk_reads = 0;       // ReadAsync calls issued by walks
  uint64_t in_place_updates = 0;
  uint64_t appends = 0;  // records appended (values and tombstones)
  uint64_t tombstones = 0;
  uint64_t busy_waits = 0;     // writes queued behind a blocked tail
  uint64_t lookup_restarts = 0;  // writes whose chain changed while their read was pending
  uint64_t expired = 0;        // lookups that found an expired record

  double disk_reads_per_pending_lookup() const {
    return pending_lookups == 0 ? 0.0 : static_cast<double>(disk_reads) / pending_lookups;
  }
};

class LogStore {
 public:
  using StatusCallback = std::function<void(Status)>;
  // The value, NotFound, or the error (Corruption, I/O errors).
  using ReadCallback = std::function<void(Result<std::string>)>;
  // Gets the current value (nullopt when the key is missing) and returns the new one;
  // nullopt leaves the key as it is. May run more than once for one call (when the
  // chain changes under a pending read, the read is redone): it must have no effects
  // besides its result.
  using UpdateFunction =
      std::function<std::optional<std::string>(std::optional<std::string_view> old_value)>;

  // Opens the log and rebuilds the index by scanning every recovered record in address
  // order. REQUIRES: `engine` outlives the store.
  static Result<std::unique_ptr<LogStore>> Open(IoEngine& engine, LogStoreOptions options);

  // Completes every operation (running the engine), then closes the log. Nothing is
  // flushed: call FlushAll() first for durability.
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  void Read(std::string_view key, ReadCallback callback);
  // Sets the value (and expiry, in Unix ms; nullopt: none). In place when the chain's
  // newest record is in the mutable region, has this key and takes the same padded
  // size with the new value; appended otherwise. InvalidArgument when the record
  // would not fit in a page; the log's error once it has failed.
  void Upsert(std::string_view key, std::string_view value, std::optional<int64_t> expiry_ms,
              StatusCallback callback);
  // OK after appending a tombstone for a live key; NotFound (nothing written) when the
  // key is missing or expired.
  void Delete(std::string_view key, StatusCallback callback);
  // Reads, calls `update`, writes its result keeping the record's expiry. OK also when
  // `update` declined (nullopt).
  void ReadModifyWrite(std::string_view key, UpdateFunction update, StatusCallback callback);
  // The same, but the written record gets `expiry_ms` (nullopt: none) instead of the
  // record's expiry.
  void ReadModifyWrite(std::string_view key, UpdateFunction update,
                       std::optional<int64_t> expiry_ms, StatusCallback callback);

  // FlushAll of the log; the callback runs from the engine.
  Status FlushAll(StatusCallback callback) { return log_->FlushAll(std::move(callback)); }

  // Runs completed engine callbacks without blocking, then retries queued writes.
  void Poll();
  // Blocks for at least one engine completion (none when nothing is in flight), then
  // retries queued writes.
  void Wait();

  // Blocking helper for tests and tools: starts the operation with a callback and runs
  // Wait() until it ran. `start` receives a std::function<void(T)>.
  template <typename T, typename Start>
  T RunSync(Start start) {
    std::optional<T> out;
    start([&out](T result) { out.emplace(std::move(result)); });
    while (!out.has_value()) Wait();
    return *std::move(out);
  }

  HybridLog& log() { return *log_; }
  const HashIndex& index() const { return index_; }
  const LogStoreStats& stats() const { return stats_; }
  // Operations started whose callbacks have not run.
  size_t outstanding() const { return outstanding_; }

 private:
  enum class Kind : uint8_t { kRead, kUpsert, kDelete, kRmw };
  struct Operation;
  using OperationPtr = std::shared_ptr<Operation>;
  enum class WriteOutcome : uint8_t { kDone, kBusy, kRestarted };

  LogStore(IoEngine& engine, LogStoreOptions options, std::unique_ptr<HybridLog> log);
  Status RebuildIndex();
  std::optional<HashIndex::ChainLink> ReadChainLink(uint64_t address);
  // The bytes from `address` to the end of its page or the tail. REQUIRES: InMemory.
  std::span<const std::byte> InMemoryBytes(LogAddress address);
  int64_t Now() const { return clock_(); }

  void Start(OperationPtr op);
  // Starts (or restarts) the chain walk from the index entry.
  void StartLookup(const OperationPtr& op);
  // Walks from op->next while records are in memory; issues a disk read and returns
  // when one is below the head.
  void Walk(const OperationPtr& op);
  void OnDiskRead(const OperationPtr& op, LogAddress address, uint32_t length, Status status);
  void IssueDiskRead(const OperationPtr& op, LogAddress address, uint32_t length);
  // The walk ended: `record` is the key's newest record, or null when there is none.
  void LookupDone(const OperationPtr& op, const RecordView* record, bool on_disk);
  // Applies the write of a lookup-completed (or blind) operation; queues it when the
  // tail is blocked and `from_queue` is false.
  WriteOutcome Write(const OperationPtr& op, bool from_queue);
  void RetryWaiting();
  void Finish(const OperationPtr& op, Status status);

  IoEngine& engine_;
  std::unique_ptr<HybridLog> log_;
  HashIndex index_;
  std::function<int64_t()> clock_;
  // Writes waiting for the tail, in call order. Invariant: while it is not empty, every
  // new write joins it, so no write overtakes an earlier one.
  std::deque<OperationPtr> waiting_;
  bool retrying_ = false;
  size_t outstanding_ = 0;
  LogStoreStats stats_;
};

}  // namespace ferrite
