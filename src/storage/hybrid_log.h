// HybridLog: the log allocator of one shard (ADR 0008). It hands out record space at the
// tail of an endless logical address space, keeps the most recent pages in memory (at
// most a limit of pages that can change at run time), and moves older pages to segment
// files through a SegmentStore:
//
//   begin <= head <= flushed_until, head <= read_only <= tail
//   [begin, head)       on disk only: read with ReadAsync()
//   [head, read_only)   in memory, immutable: sealed and flushed (or being flushed)
//   [read_only, tail)   in memory, mutable: records may be updated in place
//
// head, read_only and flushed_until are page starts; tail is the next free byte of the
// tail page. A page is flushed once, whole, when read_only passes it; it is evicted (head
// advanced, its buffer reused or freed) only after that write has completed. A page is
// never written twice: FlushAll() closes the tail page early rather than write a part
// of it that a later write would overwrite (a torn overwrite would destroy records
// already made durable), and a reopened log continues on a fresh page.
//
// Thread safety: single-threaded (ADR 0008 decision 1). The log belongs to the engine's
// owner thread; every call and every callback runs there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "io/io_buffer_pool.h"
#include "io/io_engine.h"
#include "storage/log_address.h"
#include "storage/segment_store.h"

namespace ferrite {

// What a checkpoint manifest says about a log (LogStore reads it and fills it in).
struct LogCheckpointBounds {
  // The log's first address. Segment files entirely below it are what an interrupted
  // compaction left behind; Open() deletes them.
  LogAddress begin = 0;
  // Everything below was durable when the checkpoint was taken: the recovered log must
  // reach it, or a file holding checkpointed records is damaged (Corruption).
  LogAddress durable_tail = 0;
};

struct HybridLogOptions {
  // Where the segment files live; created when missing.
  std::string directory;
  LogGeometry geometry;
  // The initial limit on pages in memory (HybridLog::SetMemoryPages() changes it). At
  // least 4. Page buffers are allocated as pages open, up to the limit.
  uint32_t memory_pages = 64;
  // The share of the limit that stays mutable behind the tail, in [0, 1]. The tail page
  // is always mutable and at least one page of the limit is always read-only, so that a
  // page's flush starts at least one page before its memory is needed again.
  double mutable_fraction = 0.9;
  bool direct_io = true;
  // Set when a checkpoint describes the log; without one, the log begins at the first
  // segment file.
  std::optional<LogCheckpointBounds> checkpoint;
  // With a checkpoint: verify every page below its durable tail at open too. Without
  // this the scan for the log's end starts at the durable tail's page, and pages below
  // it are verified when they are read.
  bool verify_on_open = true;
};

struct HybridLogStats {
  uint64_t pages_flushed = 0;  // whole-page writes completed
  uint64_t bytes_flushed = 0;
  uint64_t early_closes = 0;   // tail pages FlushAll() closed before they were full
  uint64_t evictions = 0;      // pages that left memory (their buffers reused or freed)
  uint64_t flush_errors = 0;   // writes and syncs that failed
  uint64_t allocate_busy = 0;  // Allocate() calls answered Busy (back-pressure)
  uint64_t read_async = 0;     // ReadAsync() calls started
};

// What Open() found in the directory.
struct HybridLogRecovery {
  uint64_t pages_found = 0;  // valid pages scanned (from begin, or from the checkpoint's)
  // The largest index bucket bits of a scanned page header (0 when none was scanned):
  // the index must be at least this fine to find every record of those pages.
  uint32_t index_bucket_bits = 0;
  // A torn or corrupt last page was dropped: the log ends before it.
  bool truncated = false;
  std::string truncation_reason;  // the page's error, naming the file and offset
};

class HybridLog {
 public:
  using Callback = std::function<void(Status)>;

  // Opens the log in options.directory with a SegmentStore on `engine`. A directory
  // without segment files gives an empty log (tail at address 64, the first record
  // slot of page 0). Otherwise the pages are read forward from the scan start (the
  // first segment file's first page, or the checkpoint's durable tail page when
  // verify_on_open is off) until one was never written, each verified:
  //  - begin is the checkpoint's begin, or the start of the first segment file;
  //  - the log continues on a fresh page after the last valid one (head = read_only =
  //    flushed_until = its start): pages are never rewritten;
  //  - a page that fails verification and is followed by no valid page is a torn last
  //    write: the log ends before it, with a warning (recovery().truncated);
  //  - one followed by a valid page is Corruption, naming the file and offset;
  //  - everything from the end on (a torn page, pages written out of order before a
  //    crash) is cut off the files (SegmentStore::TruncateFrom);
  //  - with a checkpoint, an end below its durable tail is Corruption.
  // Progress is logged for long scans. Runs the engine (Wait) while it reads.
  // InvalidArgument for bad options. REQUIRES: `engine` outlives the log; no other user
  // of the directory.
  static Result<std::unique_ptr<HybridLog>> Open(IoEngine& engine, HybridLogOptions options);

  // Waits (running engine callbacks) until the log's writes, syncs and reads have
  // completed; their callbacks run. Nothing unflushed is written: call FlushAll() first.
  ~HybridLog();
  HybridLog(const HybridLog&) = delete;
  HybridLog& operator=(const HybridLog&) = delete;

  // Reserves `record_size` bytes at the tail and returns their address; the caller
  // writes the record through Get(). When the record does not fit the open page, the
  // page is closed at the tail and the next one opened. With memory_pages_limit() pages
  // in memory already, the oldest ones are evicted to make room: when one of them has
  // not completed its flush yet, Busy, and nothing changed. The flush is already in
  // flight then, so a caller simply runs the engine (`while (log.Allocate(n) is Busy)
  // engine.Wait(1);`). After a flush or sync failure, that error, for good (see
  // status()).
  // InvalidArgument unless record_size is a multiple of 8 in
  // [kRecordFixedSize, page_size - kPageHeaderSize].
  Result<LogAddress> Allocate(uint32_t record_size);

  // The record bytes of an address in memory. The pointer stays valid until the page is
  // evicted: by Allocate(), or, while more pages are in memory than the limit (after
  // SetMemoryPages() lowered it), by SetMemoryPages() itself or a flush completion
  // (engine callbacks). Use it before running the engine again.
  // REQUIRES: InMemory(address)
  std::byte* Get(LogAddress address) {
    return FrameOf(geometry_.page_of(address)).buffer.data() + geometry_.offset_in_page(address);
  }
  bool InMemory(LogAddress address) const { return address >= head() && address < tail_; }
  // May be updated in place: in memory and not yet sealed for flushing.
  bool IsMutable(LogAddress address) const { return address >= read_only() && address < tail_; }
  // Where the records of an in-memory page end: the tail for the tail page, the used
  // length it was closed with for the others (the bytes after it are zero, not records).
  // REQUIRES: head() <= page start, page <= the tail's page
  LogAddress RecordsEnd(uint64_t page_number) const {
    return page_number == tail_page_
               ? tail_
               : geometry_.page_start(page_number) + frames_[page_number & frame_mask_].used;
  }

  // Reads `length` bytes at `address` from the segment files into `dest` (via
  // SegmentStore::ReadBytes; the caller parses them with RecordView::Parse). Same
  // contract as SegmentStore: an error return means the callback never runs.
  // InvalidArgument unless begin <= address < head and the range stays in its page.
  // REQUIRES: `dest` valid until the callback.
  Status ReadAsync(LogAddress address, uint32_t length, std::byte* dest, Callback callback);

  // Makes everything allocated so far durable: the tail page is closed where it is (the
  // next record opens a new page), every closed page not yet written is flushed whole,
  // then the segment files are synced. The callback gets OK when all of it is durable,
  // or the error (which also fails the log). Busy while an earlier FlushAll() is still
  // running; the log's error when it has failed. An error return means the callback
  // never runs; it never runs inside this call.
  Status FlushAll(Callback callback);

  // Changes the limit on pages in memory. Raising it lets more pages stay (buffers are
  // allocated as pages open). Lowering it frees the spare buffers at once, seals pages
  // behind the tail until the mutable ones fit mutable_fraction of the new limit (their
  // flushes start), and evicts pages from the head, oldest first, as their flushes
  // complete (here, in flush completions and in Allocate()) until the pages in memory
  // fit the limit; memory_bytes() follows. The tail page stays mutable unless FlushAll()
  // closed it. A failed log keeps the pages it could not flush. InvalidArgument below 4.
  Status SetMemoryPages(uint32_t pages);

  // Moves begin forward to `address` (compaction copied what was live below it): reads
  // below it are refused from now on. InvalidArgument unless `address` is a page start
  // in [begin, flushed_until] and not above the head.
  Status AdvanceBegin(LogAddress address);

  // OK, or the first flush or sync error: the log is failed, Allocate() and FlushAll()
  // return it. Pages in memory stay readable; pages already flushed stay on disk.
  const Status& status() const { return status_; }

  LogAddress begin() const { return geometry_.page_start(begin_page_); }
  LogAddress head() const { return geometry_.page_start(head_page_); }
  LogAddress read_only() const { return geometry_.page_start(read_only_page_); }
  // Every whole page below this address has been written to its segment file.
  LogAddress flushed_until() const { return geometry_.page_start(flushed_page_); }
  LogAddress tail() const { return tail_; }
  // Goes into the header of every page sealed from now on (see log_page.h). LogStore
  // keeps it equal to its index's bucket bits.
  void set_index_bucket_bits(uint32_t bits) { index_bucket_bits_ = bits; }

  const LogGeometry& geometry() const { return geometry_; }
  const HybridLogOptions& options() const { return options_; }
  const HybridLogStats& stats() const { return stats_; }
  const HybridLogRecovery& recovery() const { return recovery_; }
  // The bytes of the page buffers allocated: the pages in memory and the spare buffers
  // kept for the next pages (never more than the limit allows).
  uint64_t memory_bytes() const {
    return (pages_in_memory() + uint64_t{free_buffers_.size()}) * geometry_.page_size();
  }
  uint32_t memory_pages_limit() const { return memory_pages_; }
  // The pages [head, tail] hold: at most memory_pages_limit(), or more only while the
  // excess waits for its flushes after the limit was lowered.
  uint32_t pages_in_memory() const { return static_cast<uint32_t>(tail_page_ - head_page_ + 1); }
  // Pages kept mutable behind the tail (the tail page included): mutable_fraction of the
  // limit, at least 1 and below the limit.
  uint32_t mutable_pages() const { return mutable_pages_; }
  SegmentStore& store() { return *store_; }

 private:
  // The slot of one in-memory page. Slots of pages not in memory hold no buffer.
  struct Frame {
    AlignedBuffer buffer;
    // The used length once the page is closed (records end there).
    uint32_t used = 0;
    // Its whole-page write completed. Meaningful for pages in [flushed_page_,
    // next_flush_page_): a page is evicted only after flushed_page_ passed it.
    bool flushed = false;
  };
  struct FlushAllState {
    bool active = false;
    uint64_t target_page = 0;  // done when flushed_page_ reaches it
    bool syncing = false;
    Callback callback;
  };

  HybridLog(IoEngine& engine, HybridLogOptions options, std::unique_ptr<SegmentStore> store);

  Status Recover();
  // Scans pages from `first` for the log's end; fills recovery_ and returns the last
  // valid page (nullopt when none) and the first page past the end.
  Status ScanForEnd(uint64_t first, uint64_t limit, std::optional<uint64_t>& last_valid,
                    uint64_t& end);
  // Reads one page synchronously (running the engine).
  Status ReadPageNow(uint64_t page_number, std::byte* dest);

  uint32_t MutablePagesFor(uint32_t memory_pages) const;
  // REQUIRES: head_page_ <= page_number <= tail_page_
  Frame& FrameOf(uint64_t page_number) { return frames_[page_number & frame_mask_]; }
  // Moves the frames of the pages in memory into a ring of `capacity` slots. Buffers
  // move, their bytes stay: pointers from Get() remain valid.
  // REQUIRES: capacity is a power of two, at least pages_in_memory()
  void ResizeFrames(size_t capacity);
  // Gives the tail page a zeroed buffer: a spare one, or a new one.
  void OpenTailFrame();
  // Evicts the head page: its buffer goes to the spares while the limit has room for it,
  // and is freed otherwise. REQUIRES: head_page_ < flushed_page_, head_page_ < tail_page_
  void EvictHead();
  // Evicts flushed pages from the head while more pages than the limit are in memory.
  void EvictOverLimit();
  uint32_t TailOffset() const {
    return static_cast<uint32_t>(tail_ - geometry_.page_start(tail_page_));
  }

  // Seals every page below `page` not yet sealed and starts their flushes.
  // REQUIRES: page <= tail_page_
  void ShiftReadOnly(uint64_t page);
  // Starts the writes of sealed pages not yet written, in page order.
  void IssueFlushes();
  void OnPageFlushed(uint64_t page_number, Status status);
  // Starts the sync of an active FlushAll() whose pages are all written; the Sync()
  // start error, if any (the callback has not run then).
  Status StartSyncIfFlushed();
  // From completions: starts the sync, or runs the callback with the log's error.
  void MaybeFinishFlushAll();
  void Fail(Status status);

  IoEngine& engine_;
  const HybridLogOptions options_;  // memory_pages is the initial limit only
  const LogGeometry geometry_;
  uint32_t memory_pages_ = 4;   // the limit on pages in memory
  uint32_t mutable_pages_ = 1;  // derived from memory_pages_ and mutable_fraction
  // The in-memory pages [head_page_, tail_page_], page p in frames_[p & frame_mask_]: a
  // ring whose size is a power of two, at least pages_in_memory(), so that Get() is a
  // mask and an index, no division. It grows (doubling) as pages open and shrinks back after the
  // limit was lowered; its slots are small, the page buffers are what costs memory.
  std::vector<Frame> frames_;
  uint64_t frame_mask_ = 0;  // frames_.size() - 1
  // Buffers of evicted pages kept for the next pages to open. Either empty, or
  // pages_in_memory() + free_buffers_.size() <= memory_pages_: buffers beyond the limit
  // are freed, so that lowering the limit gives the memory back.
  std::vector<AlignedBuffer> free_buffers_;
  std::unique_ptr<SegmentStore> store_;

  // Page numbers; see the region comment at the top. Invariants:
  //   begin_page_ <= head_page_ <= flushed_page_ <= next_flush_page_ <= read_only_page_
  //   head_page_ <= tail_page_, read_only_page_ <= tail_page_ + 1
  //   tail_page_ + 1 - read_only_page_ <= mutable_pages_ < memory_pages_
  //   pages_in_memory() <= memory_pages_, or head_page_ == flushed_page_
  // (pages in [head_page_, tail_page_] hold buffers; pages below read_only_page_ are
  // sealed; those below next_flush_page_ have their write started. read_only_page_ ==
  // tail_page_ + 1 means FlushAll() closed the tail page: the next record opens a page.
  // More pages than the limit stay in memory only after the limit was lowered, and only
  // until the head's flush completes: the mutable bound puts every page in excess below
  // read_only, so its flush is in flight (unless the log failed), and a flushed head page
  // over the limit is evicted at once.)
  uint64_t begin_page_ = 0;
  uint64_t head_page_ = 0;
  uint64_t flushed_page_ = 0;
  uint64_t next_flush_page_ = 0;
  uint64_t read_only_page_ = 0;
  uint64_t tail_page_ = 0;
  LogAddress tail_ = 0;  // inside or at the end of tail_page_

  FlushAllState flush_all_;
  uint32_t writes_in_flight_ = 0;  // page writes started, callbacks not run
  uint32_t index_bucket_bits_ = 0;

  Status status_;
  HybridLogStats stats_;
  HybridLogRecovery recovery_;
};

}  // namespace ferrite
