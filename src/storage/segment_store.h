// SegmentStore: the on-disk part of one HybridLog (ADR 0008, decision 4). It owns the
// segment files `log.<n>` of one directory, file n holding log addresses
// [n * segment_size, (n + 1) * segment_size), and moves whole pages and record ranges
// between them and memory through the shard's IoEngine.
//
// Thread safety: the store belongs to the engine's owner thread (the shard thread), and
// every call is made from it. Callbacks run on that thread from the engine's Poll(),
// Wait() or Drain(), never from inside a SegmentStore call.
//
// Operations are prepared on the engine, not submitted: the owner's next Submit(),
// Poll() or Wait() hands them to the kernel together, so many pending reads go in one
// submission.
//
// Every asynchronous call returns a Status: not OK when the operation could not be
// started (bad arguments, a missing segment file, a file that could not be opened), and
// then its callback is never called; OK when it was started, and then its callback is
// called exactly once with the outcome. Engine errors (EIO, ENOSPC, ...) reach the
// callback as a Status that names the file and offset; none is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "io/io_buffer_pool.h"
#include "io/io_engine.h"
#include "io/io_file.h"
#include "storage/log_address.h"

namespace ferrite {

struct SegmentStoreOptions {
  // Created (with its parents) when missing.
  std::string directory;
  LogGeometry geometry;
  // Segment files bypass the page cache (O_DIRECT) where the filesystem allows it.
  bool direct_io = true;
};

class SegmentStore {
 public:
  using Callback = std::function<void(Status)>;

  // Validates the geometry, creates the directory if needed and finds the segment files
  // already in it. Corruption when a segment file is larger than a segment (the log was
  // written with another geometry). REQUIRES: `engine` outlives the store.
  static Result<std::unique_ptr<SegmentStore>> Open(IoEngine& engine, SegmentStoreOptions options);

  // Waits (running engine callbacks) until the store's own operations have completed,
  // then closes its files.
  ~SegmentStore();
  SegmentStore(const SegmentStore&) = delete;
  SegmentStore& operator=(const SegmentStore&) = delete;

  const LogGeometry& geometry() const { return options_.geometry; }
  const std::string& directory() const { return options_.directory; }
  std::string SegmentPath(uint64_t segment_number) const;

  // Segment numbers whose files exist, ascending: those found at Open(), plus those
  // created since, minus those deleted. Gaps are possible after a crash (pages of a
  // later segment flushed before an earlier one); recovery decides what they mean.
  const std::set<uint64_t>& segment_files() const { return segment_files_; }

  // Writes the whole page `page_number` at its offset in its segment file, creating the
  // file if needed. REQUIRES: `page` is sealed (SealPage) for `page_number`, aligned to
  // IoBufferPool::kAlignment, and left untouched until the callback.
  Status WritePage(uint64_t page_number, const std::byte* page, Callback callback);

  // Reads the whole page into `dest` and verifies it (VerifyPage) before reporting OK.
  // The callback gets: OK; NotFound when the page was never written (past the end of
  // its file, or all zero); Corruption naming the file and offset (short read of a
  // truncated file, bad header, checksum mismatch); or the I/O error. NotFound without
  // a callback when the segment file does not exist.
  // REQUIRES: `dest` holds page_size bytes, is aligned to IoBufferPool::kAlignment and
  // stays valid until the callback.
  Status ReadPage(uint64_t page_number, std::byte* dest, Callback callback);

  // Reads `length` bytes at `address` into `dest` (any alignment): the read for a record
  // below the head. With O_DIRECT it reads the enclosing aligned range into a buffer from
  // the engine's pool (or its own when none is free) and copies the range out, so callers
  // never deal with alignment. The bytes are not checksummed (only a whole page is): the
  // caller parses them with RecordView::Parse, which bounds every length. The callback
  // gets Corruption when the file ends inside the range and NotFound when it ends before
  // it. REQUIRES: length > 0, the range inside one segment, `dest` valid until the
  // callback.
  Status ReadBytes(LogAddress address, size_t length, std::byte* dest, Callback callback);

  // Makes durable every write whose callback ran before this call: fdatasync of each
  // segment written since the last Sync(), and fsync of the directory when segment files
  // were created or deleted since then (or when there is nothing else to sync, so that
  // the callback still comes from the engine). The callback gets the first error, naming
  // its file. After a failed sync the data written since the previous successful one
  // must be considered lost (the kernel may have dropped the dirty pages): retrying the
  // sync does not bring it back.
  Status Sync(Callback callback);

  // Closes and unlinks every segment file entirely below `address` (segment n with
  // (n + 1) * segment_size <= address). Busy, deleting nothing, while such a segment has
  // an operation in flight. The unlinks become durable with the next Sync().
  Status DeleteSegmentsBelow(LogAddress address);

  // Removes every byte at or after page `page_number`: its segment file is cut at the
  // page's offset, later segment files are deleted, and both are made durable before it
  // returns. Recovery calls it at the end it found, so that pages written out of order
  // before a crash can never pass for a continuation of the log. Blocking (open time
  // only). REQUIRES: nothing in flight.
  Status TruncateFrom(uint64_t page_number);

  // The store's operations whose callbacks have not run yet.
  size_t in_flight() const { return in_flight_; }
  size_t open_segment_count() const { return segments_.size(); }

 private:
  struct Segment {
    uint64_t number = 0;
    IoFile file;
    bool registered = false;  // with the engine (RegisterFile)
    bool dirty = false;       // a write completed since the last Sync() was issued
    uint32_t in_flight = 0;
  };
  struct SyncBatch;
  struct Operation;
  enum class OpenMode { kExisting, kCreate };

  SegmentStore(IoEngine& engine, SegmentStoreOptions options, int directory_fd);

  Status Discover();
  Result<Segment*> GetSegment(uint64_t segment_number, OpenMode mode);
  void CloseSegment(Segment& segment);
  Operation* AcquireOperation();
  void Start(Operation& op);
  void OnComplete(Operation& op, IoResult result);
  Status FinishWrite(const Operation& op, IoResult result);
  Status FinishReadPage(const Operation& op, IoResult result);
  Status FinishReadBytes(const Operation& op, IoResult result);
  std::string Where(const Operation& op) const;

  IoEngine& engine_;
  const SegmentStoreOptions options_;
  const int directory_fd_;

  std::map<uint64_t, Segment> segments_;  // open files; map nodes never move
  std::set<uint64_t> segment_files_;
  bool directory_dirty_ = false;  // files created or unlinked since the last Sync()

  // Every Operation ever allocated; free_ops_ holds those not in flight. An operation's
  // IoRequest stays in place from Prepare() to its callback, as the engine requires.
  std::vector<std::unique_ptr<Operation>> ops_;
  std::vector<Operation*> free_ops_;
  size_t in_flight_ = 0;
};

}  // namespace ferrite
