// LogStore compaction (ADR 0010): the live records of the oldest segment are copied to
// the tail, begin moves past the segment, a checkpoint records the new begin, and the
// segment file is deleted once that checkpoint is current.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "storage/log_page.h"
#include "storage/log_store.h"

namespace ferrite {

double LogStore::LiveBytesEstimate() const {
  // Too few records to know their mean size.
  if (records_seen_ < 64) return 0;
  // Shared index entries are a key's two copies after a growth: counted once.
  const double mean_record = static_cast<double>(record_bytes_seen_) / records_seen_;
  const double keys = static_cast<double>(index_.owned_count()) + index_.shared_count() / 2.0;
  return keys * mean_record;
}

bool LogStore::CompactionWanted() const {
  if (compaction_stopped_ || compaction_trigger_ <= 0) return false;
  if (!log_->status().ok() || log_->tail() < compaction_backoff_until_) return false;
  const double live = LiveBytesEstimate();
  return live > 0 && static_cast<double>(log_->tail() - log_->begin()) > compaction_trigger_ * live;
}

bool LogStore::CompactionBehind() const {
  if (!compaction_.active || compaction_trigger_ <= 0) return false;
  const double allowed = compaction_trigger_ * LiveBytesEstimate() +
                         2.0 * static_cast<double>(log_->geometry().segment_size());
  return static_cast<double>(log_->tail() - log_->begin()) > allowed;
}

std::optional<uint64_t> LogStore::OldestSegmentOnDisk() const {
  const LogGeometry& geometry = log_->geometry();
  const uint64_t segment = geometry.segment_of(log_->begin());
  if (geometry.segment_start(segment + 1) > std::min(log_->head(), log_->flushed_until())) {
    return std::nullopt;
  }
  return segment;
}

void LogStore::MaybeCompact() {
  AdvanceBeginToCleared();
  if (compaction_.active || !CompactionWanted()) return;
  CompactOldestSegment();
}

bool LogStore::CompactOldestSegment() {
  if (compaction_.active || !log_->status().ok()) return false;
  std::optional<uint64_t> segment = OldestSegmentOnDisk();
  if (!segment.has_value()) return false;
  compaction_ =
      CompactionState{.active = true, .page = AlignedBuffer(log_->geometry().page_size())};
  StartSegment(*segment);
  AdvanceCompaction();
  return true;
}

void LogStore::StartSegment(uint64_t segment) {
  const LogGeometry& geometry = log_->geometry();
  compaction_.next_page = geometry.page_of(log_->begin());
  compaction_.end_page = geometry.page_of(geometry.segment_start(segment + 1));
  compaction_.bytes_copied = 0;
}

void LogStore::AdvanceCompaction() {
  CompactionState& state = compaction_;
  if (!state.active || state.reading || state.issuing || state.copies_in_flight > 0) return;
  if (!state.error.ok()) {
    AbortCompaction();
    return;
  }
  if (compaction_stopped_) {
    // Shutdown: copies made so far are ordinary newer records; begin stays.
    state = CompactionState{};
    return;
  }
  if (state.next_page == state.end_page) {
    SegmentDone();
    return;
  }
  state.reading = true;
  Status started =
      log_->store().ReadPage(state.next_page, state.page.data(), [this](Status status) {
        compaction_.reading = false;
        OnCompactionPage(std::move(status));
      });
  if (!started.ok()) {
    state.reading = false;
    state.error = std::move(started);
    AbortCompaction();
  }
}

void LogStore::OnCompactionPage(Status status) {
  CompactionState& state = compaction_;
  if (!status.ok()) {
    state.error = std::move(status);
    AdvanceCompaction();
    return;
  }
  if (compaction_stopped_) {
    AdvanceCompaction();
    return;
  }
  const uint64_t number = state.next_page++;
  state.issuing = true;
  PageRecordIterator it(state.page.span(), log_->geometry().page_start(number));
  for (; it.Valid(); it.Next()) {
    const RecordView& record = it.record();
    // The oldest segment holds no older record of any key, so its tombstones have
    // nothing left to hide and go too.
    if (record.invalid() || record.tombstone() ||
        (record.has_expiry() && *record.expiry() <= Now())) {
      ++stats_.compaction_dropped;
      continue;
    }
    CopyIfLatest(record, it.address());
  }
  state.issuing = false;
  if (!it.status().ok()) state.error = it.status();
  AdvanceCompaction();
}

void LogStore::CopyIfLatest(const RecordView& record, LogAddress address) {
  const uint64_t size = record.size();
  ++compaction_.copies_in_flight;
  StartCopy(record, address, [this, size](Status status) {
    if (status.ok()) {
      ++stats_.compaction_copied;
      stats_.compaction_bytes_copied += size;
      compaction_.bytes_copied += size;
    } else if (status.code() == StatusCode::kNotFound) {
      ++stats_.compaction_dropped;
    } else if (compaction_.error.ok()) {
      compaction_.error = std::move(status);
    }
    --compaction_.copies_in_flight;
    AdvanceCompaction();
  });
}

void LogStore::SegmentDone() {
  const LogAddress end = log_->geometry().page_start(compaction_.end_page);
  if (Status moved = log_->AdvanceBegin(end); !moved.ok()) {
    compaction_.error = std::move(moved);
    AbortCompaction();
    return;
  }
  // Chains whose newest record lay in the segment were dead or have a copy now.
  index_.DropBelow(end);
  ++stats_.compacted_segments;
  const uint64_t segment_size = log_->geometry().segment_size();
  if (compaction_.bytes_copied > segment_size / 4 * 3) {
    // Mostly live: another pass soon would mostly copy live data again.
    compaction_backoff_until_ = log_->tail() + segment_size;
  }
  // One pass goes on while compaction is still wanted, so that one checkpoint covers
  // many segments.
  if (std::optional<uint64_t> next = OldestSegmentOnDisk(); next && CompactionWanted()) {
    StartSegment(*next);
    AdvanceCompaction();
    return;
  }
  FinishCompaction();
}

void LogStore::FinishCompaction() {
  // The segment files go only once a checkpoint with the new begin is current: until
  // then a crash reopens the previous checkpoint, which still needs them. Moving begin
  // needs no checkpoint for correctness (the files stay), only to free the disk.
  Status started = Checkpoint([this](Status status) {
    if (!status.ok()) {
      ++stats_.compaction_errors;
      spdlog::warn("log {}: checkpoint after compaction failed: {}", log_->options().directory,
                   status.ToString());
    }
    compaction_ = CompactionState{};
  });
  if (!started.ok()) {
    ++stats_.compaction_errors;
    spdlog::warn("log {}: checkpoint after compaction not started: {}", log_->options().directory,
                 started.ToString());
    compaction_ = CompactionState{};
  }
}

void LogStore::AbortCompaction() {
  ++stats_.compaction_errors;
  spdlog::warn("log {}: compaction stopped, automatic compaction off: {}",
               log_->options().directory, compaction_.error.ToString());
  compaction_trigger_ = 0;
  compaction_ = CompactionState{};
}

}  // namespace ferrite
