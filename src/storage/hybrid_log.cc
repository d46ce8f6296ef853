// The HybridLog's allocator, region maintenance (seal, flush, evict), the memory limit,
// FlushAll and the page scan that reopens a log.
#include "storage/hybrid_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

#include "storage/log_page.h"
#include "storage/record.h"

namespace ferrite {

namespace {

// The ring of frame slots a fresh log starts with; it doubles as pages open.
constexpr size_t kInitialFrames = 4;

}  // namespace

uint32_t HybridLog::MutablePagesFor(uint32_t memory_pages) const {
  auto wanted = static_cast<uint32_t>(std::floor(memory_pages * options_.mutable_fraction));
  return std::clamp<uint32_t>(wanted, 1, memory_pages - 1);
}

Result<std::unique_ptr<HybridLog>> HybridLog::Open(IoEngine& engine, HybridLogOptions options) {
  if (Status valid = options.geometry.Validate(); !valid.ok()) return valid;
  if (options.memory_pages < 4) {
    return Status::InvalidArgument("memory_pages " + std::to_string(options.memory_pages) +
                                   " is below 4");
  }
  if (!(options.mutable_fraction >= 0.0 && options.mutable_fraction <= 1.0)) {
    return Status::InvalidArgument("mutable_fraction outside [0, 1]");
  }
  auto store = SegmentStore::Open(engine, {.directory = options.directory,
                                           .geometry = options.geometry,
                                           .direct_io = options.direct_io});
  if (!store.ok()) return store.status();
  std::unique_ptr<HybridLog> log(new HybridLog(engine, std::move(options), std::move(*store)));
  if (Status recovered = log->Recover(); !recovered.ok()) return recovered;
  return log;
}

HybridLog::HybridLog(IoEngine& engine, HybridLogOptions options,
                     std::unique_ptr<SegmentStore> store)
    : engine_(engine),
      options_(std::move(options)),
      geometry_(options_.geometry),
      store_(std::move(store)) {
  memory_pages_ = options_.memory_pages;
  mutable_pages_ = MutablePagesFor(memory_pages_);
  // Recover() opens the first page; later pages get their buffers as they open.
  ResizeFrames(kInitialFrames);
}

HybridLog::~HybridLog() {
  // Completions call back into this object: run them while every member is alive.
  while (store_->in_flight() > 0) engine_.Wait(1);
  store_.reset();
}

// ---- Recovery

Status HybridLog::ReadPageNow(uint64_t page_number, std::byte* dest) {
  std::optional<Status> outcome;
  Status started =
      store_->ReadPage(page_number, dest, [&](Status status) { outcome = std::move(status); });
  if (!started.ok()) return started;
  while (!outcome.has_value()) engine_.Wait(1);
  return *std::move(outcome);
}

Status HybridLog::ScanForEnd(uint64_t first, uint64_t limit, std::optional<uint64_t>& last_valid,
                             uint64_t& end) {
  // Pages are verified in a scratch buffer.
  AlignedBuffer scratch(geometry_.page_size());
  const uint64_t pages_to_scan = limit > first ? limit - first : 0;
  constexpr uint64_t kProgressBytes = uint64_t{1} << 30;
  const uint64_t progress_every = std::max<uint64_t>(1, kProgressBytes / geometry_.page_size());
  if (pages_to_scan > progress_every) {
    spdlog::info("log {}: verifying up to {} pages ({} MiB)", store_->directory(), pages_to_scan,
                 (pages_to_scan * geometry_.page_size()) >> 20);
  }
  uint64_t page = first;
  for (; page < limit; ++page) {
    if ((page - first) % progress_every == 0 && page > first) {
      spdlog::info("log {}: verified {} of at most {} pages", store_->directory(), page - first,
                   pages_to_scan);
    }
    Status status = ReadPageNow(page, scratch.data());
    if (status.ok()) {
      last_valid = page;
      ++recovery_.pages_found;
      recovery_.index_bucket_bits =
          std::max(recovery_.index_bucket_bits, ReadPageHeader(scratch.span()).index_bucket_bits);
      continue;
    }
    if (status.code() == StatusCode::kNotFound) break;
    if (status.code() != StatusCode::kCorruption) return status;  // I/O error: no guessing
    // A bad page: the torn last write of a crash, unless valid pages follow it.
    for (uint64_t later = page + 1; later < limit; ++later) {
      Status next = ReadPageNow(later, scratch.data());
      if (next.ok()) {
        return Status::Corruption(std::string(status.message()) + " (page " + std::to_string(page) +
                                  ", followed by valid page " + std::to_string(later) + ")");
      }
      if (next.code() != StatusCode::kNotFound && next.code() != StatusCode::kCorruption) {
        return next;
      }
    }
    recovery_.truncated = true;
    recovery_.truncation_reason = std::string(status.message());
    spdlog::warn("log {}: dropping torn last page {}: {}", store_->directory(), page,
                 status.message());
    break;
  }
  end = page;
  return Status::Ok();
}

Status HybridLog::Recover() {
  const auto& files = store_->segment_files();
  const std::optional<LogCheckpointBounds>& checkpoint = options_.checkpoint;
  uint64_t first_page = files.empty() ? 0 : *files.begin() * geometry_.pages_per_segment();
  if (checkpoint.has_value()) {
    first_page = geometry_.page_of(checkpoint->begin);
    // Left behind by a compaction that stopped between its checkpoint and its deletes.
    if (Status deleted = store_->DeleteSegmentsBelow(geometry_.page_start(first_page));
        !deleted.ok()) {
      return deleted;
    }
  }
  // One past the last page any existing file can hold.
  const uint64_t limit = files.empty() ? 0 : (*files.rbegin() + 1) * geometry_.pages_per_segment();
  // The checkpoint's last page: records up to its durable tail must be found. A tail at
  // the first record slot of a page means that page was empty (never written): the
  // records end in the page before.
  std::optional<uint64_t> required_page;
  if (checkpoint.has_value()) {
    LogAddress records_end = checkpoint->durable_tail;
    if (geometry_.offset_in_page(records_end) == kPageHeaderSize) records_end -= kPageHeaderSize;
    if (records_end > geometry_.page_start(first_page)) {
      required_page = geometry_.page_of(records_end - 1);
    }
  }
  uint64_t scan_from = first_page;
  if (required_page.has_value() && !options_.verify_on_open) scan_from = *required_page;

  std::optional<uint64_t> last_page;
  uint64_t end_page = scan_from;
  if (Status scanned = ScanForEnd(scan_from, limit, last_page, end_page); !scanned.ok()) {
    return scanned;
  }
  if (required_page.has_value() && (!last_page.has_value() || *last_page < *required_page)) {
    const uint64_t segment = end_page / geometry_.pages_per_segment();
    return Status::Corruption(
        "log " + store_->directory() + " ends at page " + std::to_string(end_page) + " (" +
        store_->SegmentPath(segment) + " offset " +
        std::to_string(geometry_.page_start(end_page) - geometry_.segment_start(segment)) +
        "), before the checkpoint's durable tail at address " +
        std::to_string(checkpoint->durable_tail));
  }
  if (Status cut = store_->TruncateFrom(end_page); !cut.ok()) return cut;

  // Continue on a fresh page: the last one is on disk and never written again.
  const uint64_t open_page = last_page.has_value() ? *last_page + 1 : first_page;
  if (open_page > geometry_.max_page()) {
    return Status::ResourceExhausted("log address space exhausted");
  }
  begin_page_ = first_page;
  head_page_ = flushed_page_ = next_flush_page_ = read_only_page_ = tail_page_ = open_page;
  tail_ = geometry_.page_start(open_page) + kPageHeaderSize;
  OpenTailFrame();
  if (recovery_.pages_found > 0) {
    spdlog::info("log {}: {} pages verified, log [{}, {}){}", store_->directory(),
                 recovery_.pages_found, begin(), tail_,
                 recovery_.truncated ? ", torn last page dropped" : "");
  }
  return Status::Ok();
}

// ---- Allocation and regions

Result<LogAddress> HybridLog::Allocate(uint32_t record_size) {
  const uint64_t page_size = geometry_.page_size();
  if (record_size < kRecordFixedSize || record_size % kRecordAlignment != 0 ||
      record_size > MaxRecordSizeInPage(page_size)) {
    return Status::InvalidArgument("record size " + std::to_string(record_size) +
                                   " is not a multiple of 8 in [16, " +
                                   std::to_string(MaxRecordSizeInPage(page_size)) + "]");
  }
  if (!status_.ok()) return status_;
  const bool tail_page_open = read_only_page_ <= tail_page_;
  if (tail_page_open && TailOffset() + uint64_t{record_size} <= page_size) {
    LogAddress address = tail_;
    tail_ += record_size;
    return address;
  }

  // Open the next page, evicting the oldest pages first when the limit has no room for
  // it, once they are on disk. Their flushes started when read_only passed them: the
  // mutable region is below the limit, so at least one page ago.
  const uint64_t next = tail_page_ + 1;
  if (next > geometry_.max_page()) {
    return Status::ResourceExhausted("log address space exhausted");
  }
  if (next + 1 - head_page_ > memory_pages_) {
    // Evict [head_page_, keep_from): all of it must be flushed.
    const uint64_t keep_from = next + 1 - memory_pages_;
    if (flushed_page_ < keep_from) {
      ++stats_.allocate_busy;
      return Status::Busy("page " + std::to_string(flushed_page_) + " is still being flushed");
    }
    // keep_from <= tail_page_ (the limit is at least 4): the tail page stays.
    while (head_page_ < keep_from) EvictHead();
  }

  if (tail_page_open) FrameOf(tail_page_).used = TailOffset();
  // At most one more page than the ring held: doubling it is enough.
  if (next + 1 - head_page_ > frames_.size()) ResizeFrames(frames_.size() * 2);
  tail_page_ = next;
  tail_ = geometry_.page_start(next) + kPageHeaderSize;
  OpenTailFrame();

  if (next + 1 > read_only_page_ + mutable_pages_) ShiftReadOnly(next + 1 - mutable_pages_);

  LogAddress address = tail_;
  tail_ += record_size;
  return address;
}

// ---- Frames and the memory limit

void HybridLog::ResizeFrames(size_t capacity) {
  std::vector<Frame> frames(capacity);
  const uint64_t mask = capacity - 1;
  if (!frames_.empty()) {
    for (uint64_t page = head_page_; page <= tail_page_; ++page) {
      frames[page & mask] = std::move(FrameOf(page));
    }
  }
  frames_ = std::move(frames);
  frame_mask_ = mask;
}

void HybridLog::OpenTailFrame() {
  Frame& frame = FrameOf(tail_page_);
  if (!free_buffers_.empty()) {
    frame.buffer = std::move(free_buffers_.back());
    free_buffers_.pop_back();
  } else {
    frame.buffer = AlignedBuffer(geometry_.page_size());
  }
  std::memset(frame.buffer.data(), 0, geometry_.page_size());
  frame.used = 0;
  frame.flushed = false;
}

void HybridLog::EvictHead() {
  AlignedBuffer buffer = std::move(FrameOf(head_page_).buffer);
  ++head_page_;
  ++stats_.evictions;
  // Kept only while the buffers stay within the limit; otherwise freed here.
  if (pages_in_memory() + free_buffers_.size() < memory_pages_) {
    free_buffers_.push_back(std::move(buffer));
  }
}

void HybridLog::EvictOverLimit() {
  while (pages_in_memory() > memory_pages_ && head_page_ < flushed_page_) EvictHead();
  // A ring grown under a larger limit goes back to the size this one needs. Allocate()
  // grows it by doubling up to that size at most, so the two never take turns.
  const size_t wanted = std::bit_ceil(size_t{memory_pages_});
  if (frames_.size() > wanted && pages_in_memory() <= wanted) ResizeFrames(wanted);
}

Status HybridLog::SetMemoryPages(uint32_t pages) {
  if (pages < 4) {
    return Status::InvalidArgument("memory pages " + std::to_string(pages) + " is below 4");
  }
  memory_pages_ = pages;
  mutable_pages_ = MutablePagesFor(pages);
  // Spare buffers beyond the new limit go now.
  while (!free_buffers_.empty() && pages_in_memory() + free_buffers_.size() > memory_pages_) {
    free_buffers_.pop_back();
  }
  // Seal pages until the mutable ones fit the new share. That also puts every page over
  // the limit below read_only (mutable_pages_ < memory_pages_), so each has its flush in
  // flight, or done, and is evicted when it completes.
  if (tail_page_ + 1 > read_only_page_ + mutable_pages_) {
    ShiftReadOnly(tail_page_ + 1 - mutable_pages_);
  }
  EvictOverLimit();
  // Raising the limit changes nothing yet: new pages get new buffers until they reach it.
  return Status::Ok();
}

// ---- Sealing and flushing

void HybridLog::ShiftReadOnly(uint64_t page) {
  for (; read_only_page_ < page; ++read_only_page_) {
    // A page below read_only never changes again, so its frame can be written as is.
    Frame& frame = FrameOf(read_only_page_);
    Status sealed = SealPage(frame.buffer.span(), read_only_page_, frame.used, index_bucket_bits_);
    if (!sealed.ok()) {  // used length out of range: a bug, not an I/O failure
      Fail(sealed);
      return;
    }
  }
  IssueFlushes();
}

void HybridLog::IssueFlushes() {
  while (status_.ok() && next_flush_page_ < read_only_page_) {
    const uint64_t page = next_flush_page_;
    Status started =
        store_->WritePage(page, FrameOf(page).buffer.data(), [this, page](Status status) {
          --writes_in_flight_;
          OnPageFlushed(page, std::move(status));
        });
    if (!started.ok()) {
      Fail(std::move(started));
      return;
    }
    ++writes_in_flight_;
    ++next_flush_page_;
  }
}

void HybridLog::OnPageFlushed(uint64_t page_number, Status status) {
  if (!status.ok()) {
    // The frame keeps its page and is never reused: nothing is lost from memory.
    Fail(std::move(status));
  } else {
    ++stats_.pages_flushed;
    stats_.bytes_flushed += geometry_.page_size();
    FrameOf(page_number).flushed = true;
    // Completions may come out of order: flushed_until moves over a prefix only.
    while (flushed_page_ < next_flush_page_ && FrameOf(flushed_page_).flushed) {
      ++flushed_page_;
    }
    // Pages over a lowered limit leave as soon as they are on disk.
    EvictOverLimit();
  }
  MaybeFinishFlushAll();
}

void HybridLog::Fail(Status status) {
  ++stats_.flush_errors;
  if (status_.ok()) {
    spdlog::warn("log {}: failed: {}", store_->directory(), status.ToString());
    status_ = std::move(status);
  }
}

// ---- FlushAll

Status HybridLog::FlushAll(Callback callback) {
  if (!status_.ok()) return status_;
  if (flush_all_.active) return Status::Busy("a FlushAll is already running");
  uint64_t target = tail_page_;
  if (read_only_page_ <= tail_page_ && TailOffset() > kPageHeaderSize) {
    // Close the tail page where it is: written once, whole, it can never be torn by a
    // later write of more records.
    FrameOf(tail_page_).used = TailOffset();
    target = tail_page_ + 1;
    ++stats_.early_closes;
  } else if (read_only_page_ > tail_page_) {
    target = tail_page_ + 1;  // closed by an earlier FlushAll, perhaps still in flight
  }
  flush_all_ =
      FlushAllState{.active = true, .target_page = target, .callback = std::move(callback)};
  ShiftReadOnly(target);
  if (!status_.ok()) {
    // Our writes in flight will finish it through the callback; with none, say it now.
    if (writes_in_flight_ > 0) return Status::Ok();
    flush_all_ = FlushAllState{};
    return status_;
  }
  if (Status synced = StartSyncIfFlushed(); !synced.ok()) {
    Fail(synced);
    flush_all_ = FlushAllState{};
    return synced;
  }
  return Status::Ok();
}

Status HybridLog::StartSyncIfFlushed() {
  FlushAllState& state = flush_all_;
  if (!state.active || state.syncing) return Status::Ok();
  if (!status_.ok() || flushed_page_ < state.target_page) return Status::Ok();
  Status started = store_->Sync([this](Status status) {
    if (!status.ok()) Fail(status);  // written data may be gone: the log can't go on
    Callback callback = std::move(flush_all_.callback);
    flush_all_ = FlushAllState{};
    callback(std::move(status));
  });
  if (started.ok()) state.syncing = true;
  return started;
}

void HybridLog::MaybeFinishFlushAll() {
  FlushAllState& state = flush_all_;
  if (!state.active || state.syncing) return;
  if (status_.ok()) {
    Status started = StartSyncIfFlushed();
    if (started.ok()) return;
    Fail(std::move(started));
  }
  Callback callback = std::move(state.callback);
  state = FlushAllState{};
  callback(status_);
}

Status HybridLog::AdvanceBegin(LogAddress address) {
  if (geometry_.offset_in_page(address) != 0 || address < begin() || address > flushed_until() ||
      address > head()) {
    return Status::InvalidArgument("cannot move the log's begin to " + std::to_string(address) +
                                   " (begin " + std::to_string(begin()) + ", head " +
                                   std::to_string(head()) + ", flushed until " +
                                   std::to_string(flushed_until()) + ")");
  }
  begin_page_ = geometry_.page_of(address);
  return Status::Ok();
}

// ---- Reads below the head

Status HybridLog::ReadAsync(LogAddress address, uint32_t length, std::byte* dest,
                            Callback callback) {
  if (address < begin() || address >= head() || length == 0 ||
      geometry_.offset_in_page(address) + length > geometry_.page_size()) {
    return Status::InvalidArgument("read of " + std::to_string(length) + " bytes at address " +
                                   std::to_string(address) + " is not on disk below the head " +
                                   std::to_string(head()) + " within one page");
  }
  Status started = store_->ReadBytes(address, length, dest, std::move(callback));
  if (started.ok()) ++stats_.read_async;
  return started;
}

}  // namespace ferrite
