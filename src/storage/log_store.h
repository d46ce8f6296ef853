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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "storage/checkpoint_manifest.h"
#include "storage/checkpoint_writer.h"
#include "storage/hash_index.h"
#include "storage/hybrid_log.h"
#include "storage/record.h"

namespace ferrite {

struct LogStoreOptions {
  HybridLogOptions log;
  // Initial buckets of the hash index; it grows as keys are added.
  uint64_t index_buckets = 1024;
  // Bytes of memory for the index and the log's pages together: the log keeps what the
  // index leaves, in whole pages, and never fewer than 4 (so a budget the index alone
  // outgrows is exceeded; memory_over_budget() says so). 0: no budget, the log keeps
  // log.memory_pages.
  uint64_t memory_budget = 0;
  // Unix milliseconds; records with expiry <= now() read as missing. Null: system clock.
  std::function<int64_t()> clock;
  // Compaction (log_store_compaction.cc) starts when the log below the head passes this
  // many times the estimated live bytes (index entries times the mean record size). 0
  // turns automatic compaction off; CompactOldestSegment() still works.
  double compaction_trigger = 2.0;
};

// A live record's value and expiry (Unix ms; nullopt: none), as ReadEntry finds it.
struct StoredEntry {
  std::string value;
  std::optional<int64_t> expiry_ms;
};

// A record the scan found to be its key's newest live record.
struct ScanEntry {
  LogAddress address = kInvalidAddress;
  std::string key;
  std::string value;
  std::optional<int64_t> expiry_ms;
};

// One step of a scan: the live records it found, in address order, and where the next
// step starts. `reached_tail`: every record below the tail as it stood when the step
// completed was examined.
struct ScanBatch {
  std::vector<ScanEntry> entries;
  LogAddress next = kInvalidAddress;
  bool reached_tail = false;
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
  uint64_t busy_waits = 0;       // writes queued behind a blocked tail
  uint64_t lookup_restarts = 0;  // writes whose chain changed while their read was pending
  uint64_t expired = 0;          // lookups that found an expired record
  uint64_t checkpoints = 0;      // completed
  // Compaction: segments whose live records were copied to the tail, and what became of
  // the records read from them.
  uint64_t compacted_segments = 0;
  uint64_t compaction_copied = 0;   // live: copied to the tail
  uint64_t compaction_dropped = 0;  // superseded, deleted or expired
  uint64_t compaction_bytes_copied = 0;
  uint64_t compaction_errors = 0;
  // Writes held back because the log outgrew the trigger's bound while a pass ran.
  uint64_t compaction_stalls = 0;
  uint64_t scan_pages_read = 0;  // pages below the head read by scans
  uint64_t clears = 0;

  double disk_reads_per_pending_lookup() const {
    return pending_lookups == 0 ? 0.0 : static_cast<double>(disk_reads) / pending_lookups;
  }
};

// How Open() rebuilt the index.
struct LogStoreRecovery {
  // The checkpoint restored (0: none, every record was replayed).
  uint64_t checkpoint_sequence = 0;
  uint64_t records_replayed = 0;  // records above the checkpoint, indexed one by one
  double milliseconds = 0;        // index restore and replay
};

class LogStore {
 public:
  using StatusCallback = std::function<void(Status)>;
  // The value, NotFound, or the error (Corruption, I/O errors).
  using ReadCallback = std::function<void(Result<std::string>)>;
  // The value with its expiry, NotFound, or the error.
  using EntryCallback = std::function<void(Result<StoredEntry>)>;
  // Gets the current value (nullopt when the key is missing) and returns the new one;
  // nullopt leaves the key as it is. May run more than once for one call (when the
  // chain changes under a pending read, the read is redone): it must have no effects
  // besides its result.
  using UpdateFunction =
      std::function<std::optional<std::string>(std::optional<std::string_view> old_value)>;
  using ScanCallback = std::function<void(Result<ScanBatch>)>;

  // Opens the store in options.log.directory: with a checkpoint manifest there, the log
  // is opened at the manifest's bounds, the index restored from its snapshot and the
  // records above its durable tail replayed; without one, every record is replayed in
  // address order. Either way the index is grown first to the finest size any replayed
  // page was written under (log_page.h). Corruption naming the file when the manifest,
  // the snapshot or a log page is damaged; InvalidArgument when the manifest was written
  // with another log geometry. REQUIRES: `engine` outlives the store.
  static Result<std::unique_ptr<LogStore>> Open(IoEngine& engine, LogStoreOptions options);

  // Completes every operation (running the engine), then closes the log. Nothing is
  // flushed: call FlushAll() first for durability.
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  void Read(std::string_view key, ReadCallback callback);
  // Read, with the record's expiry.
  void ReadEntry(std::string_view key, EntryCallback callback);
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

  // One step of a walk over the live keys (log_store_scan.cc): examines up to
  // `max_records` records (at least one) in address order from `from` (from the live
  // begin when `from` lies below it, as after compaction: the records it copied are at
  // the tail, which the walk reaches), and returns those that are their key's newest
  // live record (not a tombstone, not expired), decided by the same chain walk as
  // compaction's copies, which may read the disk. Pages below the head are read whole.
  // Continue from `next` until `reached_tail`. Every key live for a whole walk is
  // returned at least once (a key written meanwhile may be returned again from its new
  // record); with no writes, exactly once. Walks may run concurrently. The callback runs
  // once, inside the call when no disk read was needed, with the entries or the first
  // error (a page that fails its checksum).
  // REQUIRES: max_records > 0
  void Scan(LogAddress from, size_t max_records, bool with_values, ScanCallback callback);

  // Removes every key at once (FLUSHALL): the index is replaced by an empty one and
  // the log's records up to the tail are dead from now on (lookups pending below it
  // start again and find nothing); begin moves past them as soon as their pages leave
  // memory, and the segment files go with the checkpoints after that, as compaction's
  // do. A checkpoint is started at once so that reopening does not bring the keys
  // back; the callback gets its outcome. Writes applied before the call are gone,
  // writes started after it (and writes still queued for the tail) are kept.
  void Clear(StatusCallback callback);
  // Where live records may start: the log's begin, or the tail at the last Clear().
  LogAddress live_begin() const { return std::max(log_->begin(), cleared_until_); }

  // FlushAll of the log; the callback runs from the engine.
  Status FlushAll(StatusCallback callback) { return log_->FlushAll(std::move(callback)); }

  // Makes every write applied so far durable and makes it the current checkpoint: the
  // index is snapshotted at the tail, the log flushed to it, the snapshot file written
  // and synced, then the manifest replaced (checkpoint_manifest.h). Old snapshot files
  // and segment files below the log's begin are deleted afterwards. The callback runs
  // from the engine with OK or the first error (the previous checkpoint stays current).
  // A call while a checkpoint runs joins the next one, which starts when it ends (it
  // must cover writes the running one may not have). The log's error, without a
  // callback, once the log has failed; Busy while a bare FlushAll() runs.
  Status Checkpoint(StatusCallback callback);
  bool checkpoint_running() const { return checkpoint_.active; }
  // The current checkpoint's sequence number (0: none yet).
  uint64_t checkpoint_sequence() const { return checkpoint_sequence_; }
  const LogStoreRecovery& recovery() const { return recovery_; }

  // Changes the memory budget (see LogStoreOptions::memory_budget; 0 is not allowed
  // here). Lowering it evicts log pages as their flushes complete.
  Status SetMemoryBudget(uint64_t bytes);
  uint64_t memory_budget() const { return memory_budget_; }
  // The index's bytes plus the log's page buffers.
  uint64_t memory_bytes() const { return index_.memory_bytes() + log_->memory_bytes(); }
  // The index leaves the log less than its 4 pages: memory is above the budget.
  bool memory_over_budget() const {
    return memory_budget_ != 0 &&
           index_.memory_bytes() + 4 * log_->geometry().page_size() > memory_budget_;
  }

  // Starts a compaction pass at the oldest segment: its live records are copied to the
  // tail and begin moves past it; the pass goes on with the next segment while the
  // trigger still holds, then a checkpoint records the new begin and the segment files
  // below it are deleted. False (nothing started) while a pass runs, or when no whole
  // segment lies below both the head and the flushed part of the log. Poll() and
  // Wait() start a pass on their own when compaction_trigger is reached.
  bool CompactOldestSegment();
  bool compaction_running() const { return compaction_.active; }
  // No compaction starts after this (a running one finishes): for shutdown.
  void StopCompaction() { compaction_stopped_ = true; }

  // Runs completed engine callbacks without blocking, retries queued writes, and
  // submits every disk operation prepared since the last call in one batch: an owner
  // that starts many operations and then polls issues their reads together.
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
  // kCopy: compaction's copy of a record to the tail, made only when the record is
  // still its key's newest. kProbe: kCopy's test alone, for scans (OK or NotFound).
  enum class Kind : uint8_t { kRead, kUpsert, kDelete, kRmw, kCopy, kProbe };
  struct ScanRun;
  using ScanRunPtr = std::shared_ptr<ScanRun>;
  struct Operation;
  using OperationPtr = std::shared_ptr<Operation>;
  enum class WriteOutcome : uint8_t { kDone, kBusy, kRestarted };

  struct CompactionState {
    bool active = false;
    uint64_t next_page = 0;  // the next page of the segment to read
    uint64_t end_page = 0;   // the first page past the segment
    bool reading = false;    // a page read is in flight
    bool issuing = false;    // copies of the page being started
    size_t copies_in_flight = 0;
    uint64_t bytes_copied = 0;  // by this pass
    Status error;               // a copy or read failed: begin must not move
    AlignedBuffer page;
  };
  struct CheckpointState {
    bool active = false;
    CheckpointManifest manifest;
    std::vector<std::byte> snapshot;
    std::vector<StatusCallback> callbacks;
  };

  LogStore(IoEngine& engine, LogStoreOptions options, std::unique_ptr<HybridLog> log);
  // Restores the index from the checkpoint (when there is one) and replays the records
  // above it (log_store_recovery.cc).
  Status RecoverIndex(const std::optional<CheckpointManifest>& manifest);
  Result<HashIndex> LoadIndexSnapshot(const CheckpointManifest& manifest);
  // Indexes every record at or above `from`, page by page from the disk.
  Status ReplayFrom(LogAddress from);
  void RemoveStaleSnapshots();
  // The index grew (or was replaced): new pages record its size, and the log's page
  // limit gives the index its memory.
  void NoteIndexSize();
  void ApplyMemoryBudget();
  // Takes the callbacks only when it started (OK).
  Status StartCheckpoint(std::vector<StatusCallback>& callbacks);
  void OnCheckpointFlushed(Status status);
  // Compaction steps (log_store_compaction.cc).
  // One record per index entry (shared copies counted once) of the mean record size
  // seen; 0 until enough records were seen to know the mean.
  double LiveBytesEstimate() const;
  bool CompactionWanted() const;
  // A pass runs and the log has outgrown trigger x live by more than two segments:
  // appends wait (the store's stated bound on its log; ADR 0010).
  bool CompactionBehind() const;
  // The segment holding begin, when it lies wholly below the head and flushed.
  std::optional<uint64_t> OldestSegmentOnDisk() const;
  void MaybeCompact();
  void StartSegment(uint64_t segment);
  void SegmentDone();
  void OnCompactionPage(Status status);
  void CopyIfLatest(const RecordView& record, LogAddress address);
  // Called whenever a step completes: reads the next page once the copies of the last
  // one are done, or finishes the pass.
  void AdvanceCompaction();
  void FinishCompaction();
  // Ends the pass without moving begin; automatic compaction stays off afterwards (a
  // damaged page would fail every retry the same way).
  void AbortCompaction();
  void FinishCheckpoint(Status status);
  std::optional<HashIndex::ChainLink> ReadChainLink(uint64_t address);
  // Scan steps (log_store_scan.cc).
  void ContinueScan(const ScanRunPtr& run);
  // Examines the records of `bytes` (records of the page starting at `page_start`) from
  // the run's cursor; returns whether the page was finished.
  bool ScanRecords(const ScanRunPtr& run, std::span<const std::byte> page_bytes,
                   LogAddress page_start, bool verified_page);
  void ExamineRecord(const ScanRunPtr& run, const RecordView& record, LogAddress address);
  void MaybeFinishScan(const ScanRunPtr& run);
  // Compaction's test of `source` as its key's newest live record, without the copy.
  void StartProbe(std::string_view key, LogAddress source, StatusCallback callback);
  // Moves begin up to the last Clear() as its pages leave memory.
  void AdvanceBeginToCleared();
  // The bytes from `address` to the end of its page or the tail. REQUIRES: InMemory.
  std::span<const std::byte> InMemoryBytes(LogAddress address);
  int64_t Now() const { return clock_(); }

  void Start(OperationPtr op);
  // Compaction's copy of the record at `source` to the tail: OK when copied, NotFound
  // when it was no longer its key's newest live record.
  void StartCopy(const RecordView& record, LogAddress source, StatusCallback callback);
  // Starts (or restarts) the chain walk from the index entry.
  void StartLookup(const OperationPtr& op);
  // Walks from op->next while records are in memory; issues a disk read and returns
  // when one is below the head.
  void Walk(const OperationPtr& op);
  // Restarts the lookup when `address` lies below a begin that moved since the walk
  // began (see Operation::begin_at_start); returns whether it did.
  bool RestartIfCompactedPast(const OperationPtr& op, LogAddress address);
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
  // Compaction's copies waiting for the tail (Allocate answered Busy), in call order.
  std::deque<OperationPtr> copies_waiting_;
  bool retrying_ = false;
  size_t outstanding_ = 0;
  LogStoreStats stats_;
  LogStoreRecovery recovery_;
  uint64_t memory_budget_ = 0;
  uint64_t index_bytes_applied_ = 0;  // the index size the log's limit was last set for
  CheckpointWriter checkpoint_writer_;
  CheckpointState checkpoint_;
  CompactionState compaction_;
  bool compaction_stopped_ = false;
  double compaction_trigger_ = 2.0;
  // After a pass that reclaimed little (the segment was mostly live), the next waits
  // until the tail passes this: otherwise a low live estimate would copy live data
  // round and round.
  LogAddress compaction_backoff_until_ = 0;
  // For the live-bytes estimate: records appended or replayed, and their bytes.
  uint64_t records_seen_ = 0;
  uint64_t record_bytes_seen_ = 0;
  std::vector<StatusCallback> next_checkpoint_;  // callers waiting for the next one
  uint64_t checkpoint_sequence_ = 0;
  // The tail at the last Clear(): records below it are dead.
  LogAddress cleared_until_ = 0;
};

}  // namespace ferrite
