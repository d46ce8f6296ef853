// The HybridLog's allocator, region maintenance (seal, flush, evict), FlushAll and the
// page scan that reopens a log.
#include "storage/hybrid_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

#include "storage/log_page.h"
#include "storage/record.h"

namespace ferrite {

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
      store_(std::move(store)),
      snapshot_(geometry_.page_size()) {
  uint32_t pages = options_.memory_pages;
  auto wanted = static_cast<uint32_t>(std::floor(pages * options_.mutable_fraction));
  mutable_pages_ = std::clamp<uint32_t>(wanted, 1, pages - 1);
  frames_.resize(pages);
  for (Frame& frame : frames_) frame.buffer = AlignedBuffer(geometry_.page_size());
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

Status HybridLog::Recover() {
  const auto& files = store_->segment_files();
  uint64_t first_page = files.empty() ? 0 : *files.begin() * geometry_.pages_per_segment();
  // One past the last page any existing file can hold.
  uint64_t end_page = files.empty() ? 0 : (*files.rbegin() + 1) * geometry_.pages_per_segment();

  // Pages are verified in a scratch buffer; the last valid one ends up in its frame.
  AlignedBuffer scratch(geometry_.page_size());
  std::optional<uint64_t> last_page;
  uint32_t last_used = 0;
  uint64_t page = first_page;
  for (; page < end_page; ++page) {
    Status status = ReadPageNow(page, scratch.data());
    if (status.ok()) {
      last_page = page;
      last_used = ReadPageHeader(scratch.span()).used_length;
      ++recovery_.pages_found;
      continue;
    }
    if (status.code() == StatusCode::kNotFound) break;
    if (status.code() != StatusCode::kCorruption) return status;  // I/O error: no guessing
    // A bad page: the torn last write of a crash, unless valid pages follow it.
    for (uint64_t later = page + 1; later < end_page; ++later) {
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

  begin_page_ = first_page;
  if (!last_page.has_value()) {
    // Nothing valid: an empty log at the first page.
    head_page_ = flushed_page_ = next_flush_page_ = read_only_page_ = tail_page_ = first_page;
    tail_ = geometry_.page_start(first_page) + kPageHeaderSize;
    return Status::Ok();
  }
  // Continue inside the last page: reload it into its frame, open and mutable.
  Frame& frame = frames_[FrameOf(*last_page)];
  Status status = ReadPageNow(*last_page, frame.buffer.data());
  if (!status.ok()) return status;
  head_page_ = flushed_page_ = next_flush_page_ = read_only_page_ = tail_page_ = *last_page;
  tail_ = geometry_.page_start(*last_page) + last_used;
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
  if (TailOffset() + uint64_t{record_size} <= page_size) {
    LogAddress address = tail_;
    tail_ += record_size;
    return address;
  }

  // Open the next page in the frame of the page memory_pages back, once that one is on
  // disk. Its flush started when read_only passed it, at least one page ago.
  const uint64_t next = tail_page_ + 1;
  if (next > geometry_.max_page()) {
    return Status::ResourceExhausted("log address space exhausted");
  }
  const uint32_t frames = options_.memory_pages;
  if (next >= head_page_ + frames) {
    const uint64_t evicted = next - frames;
    if (flushed_page_ <= evicted) {
      ++stats_.allocate_busy;
      return Status::Busy("page " + std::to_string(evicted) + " is still being flushed");
    }
    // REQUIRES (held): evicted == head_page_, flushed_page_ > evicted.
    head_page_ = evicted + 1;
    ++stats_.evictions;
  }

  frames_[FrameOf(tail_page_)].used = TailOffset();
  Frame& frame = frames_[FrameOf(next)];
  std::memset(frame.buffer.data(), 0, page_size);
  frame.used = 0;
  frame.flushed = false;
  tail_page_ = next;
  tail_ = geometry_.page_start(next) + kPageHeaderSize;

  if (next + 1 > read_only_page_ + mutable_pages_) ShiftReadOnly(next + 1 - mutable_pages_);

  LogAddress address = tail_;
  tail_ += record_size;
  return address;
}

void HybridLog::ShiftReadOnly(uint64_t page) {
  for (; read_only_page_ < page; ++read_only_page_) {
    // A page below read_only never changes again, so its frame can be written as is.
    Frame& frame = frames_[FrameOf(read_only_page_)];
    Status sealed = SealPage(frame.buffer.span(), read_only_page_, frame.used);
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
    // A FlushAll() copy of this page is in flight: the whole page waits, so that the
    // older copy can't land on disk after it.
    if (page == snapshot_page_) return;
    Status started =
        store_->WritePage(page, frames_[FrameOf(page)].buffer.data(), [this, page](Status status) {
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
    frames_[FrameOf(page_number)].flushed = true;
    // Completions may come out of order: flushed_until moves over a prefix only.
    while (flushed_page_ < next_flush_page_ && frames_[FrameOf(flushed_page_)].flushed) {
      ++flushed_page_;
    }
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
  flush_all_ =
      FlushAllState{.active = true, .target_page = tail_page_, .callback = std::move(callback)};

  ShiftReadOnly(tail_page_);
  const uint32_t used = TailOffset();
  if (status_.ok() && used > kPageHeaderSize) {
    // The tail page keeps changing: write a sealed copy of it.
    std::memcpy(snapshot_.data(), frames_[FrameOf(tail_page_)].buffer.data(), used);
    Status started = SealPage(snapshot_.span(), tail_page_, used);
    if (started.ok()) {
      started = store_->WritePage(tail_page_, snapshot_.data(), [this](Status status) {
        --writes_in_flight_;
        OnSnapshotFlushed(std::move(status));
      });
    }
    if (started.ok()) {
      ++writes_in_flight_;
      flush_all_.snapshot_pending = true;
      snapshot_page_ = tail_page_;
    } else {
      Fail(std::move(started));
    }
  }
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

void HybridLog::OnSnapshotFlushed(Status status) {
  flush_all_.snapshot_pending = false;
  snapshot_page_ = kNoPage;
  if (status.ok()) {
    ++stats_.partial_flushes;
    stats_.bytes_flushed += geometry_.page_size();
  } else {
    Fail(std::move(status));
  }
  // A whole write of the snapshot's page may have been held back for it.
  IssueFlushes();
  MaybeFinishFlushAll();
}

Status HybridLog::StartSyncIfFlushed() {
  FlushAllState& state = flush_all_;
  if (!state.active || state.snapshot_pending || state.syncing) return Status::Ok();
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
  if (!state.active || state.snapshot_pending || state.syncing) return;
  if (status_.ok()) {
    Status started = StartSyncIfFlushed();
    if (started.ok()) return;
    Fail(std::move(started));
  }
  Callback callback = std::move(state.callback);
  state = FlushAllState{};
  callback(status_);
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
