// LogStore::Checkpoint: index snapshot at the tail, log flush, snapshot file, manifest
// (ADR 0009).
#include <bit>
#include <utility>

#include "storage/index_snapshot.h"
#include "storage/log_store.h"

namespace ferrite {

Status LogStore::Checkpoint(StatusCallback callback) {
  if (checkpoint_.active) {
    next_checkpoint_.push_back(std::move(callback));
    return Status::Ok();
  }
  std::vector<StatusCallback> callbacks;
  callbacks.push_back(std::move(callback));
  return StartCheckpoint(callbacks);
}

Status LogStore::StartCheckpoint(std::vector<StatusCallback>& callbacks) {
  CheckpointManifest manifest{
      .sequence = checkpoint_sequence_ + 1,
      .page_bits = log_->geometry().page_bits,
      .segment_bits = log_->geometry().segment_bits,
      .log_begin = log_->begin(),
      .durable_tail = log_->tail(),
      .index_file = IndexSnapshotFileName(checkpoint_sequence_ + 1),
      .index_bucket_bits = static_cast<uint32_t>(std::countr_zero(index_.bucket_count()))};
  // Taken now, with the tail: every entry points below it, and the records above it
  // are what recovery replays.
  std::vector<std::byte> snapshot = EncodeIndexSnapshot(index_);
  manifest.index_bytes = snapshot.size();
  Status started =
      log_->FlushAll([this](Status status) { OnCheckpointFlushed(std::move(status)); });
  if (!started.ok()) return started;
  checkpoint_ = CheckpointState{.active = true,
                                .manifest = std::move(manifest),
                                .snapshot = std::move(snapshot),
                                .callbacks = std::move(callbacks)};
  return Status::Ok();
}

void LogStore::OnCheckpointFlushed(Status status) {
  if (!status.ok()) {
    FinishCheckpoint(std::move(status));
    return;
  }
  Status started =
      checkpoint_writer_.Start(checkpoint_.manifest, std::move(checkpoint_.snapshot),
                               [this](Status written) { FinishCheckpoint(std::move(written)); });
  if (!started.ok()) FinishCheckpoint(std::move(started));
}

void LogStore::FinishCheckpoint(Status status) {
  if (status.ok()) {
    checkpoint_sequence_ = checkpoint_.manifest.sequence;
    ++stats_.checkpoints;
    RemoveStaleSnapshots();
    // Segments below the begin this checkpoint recorded are needed by no current or
    // future recovery. Not below the live begin: compaction may have moved it since
    // the checkpoint began, and until a manifest records that, a crash reopens at the
    // recorded one. A segment with a read still in flight (Busy) goes with a later
    // checkpoint.
    (void)log_->store().DeleteSegmentsBelow(checkpoint_.manifest.log_begin);
  }
  std::vector<StatusCallback> callbacks = std::move(checkpoint_.callbacks);
  checkpoint_ = CheckpointState{};
  if (!next_checkpoint_.empty()) {
    std::vector<StatusCallback> next = std::move(next_checkpoint_);
    next_checkpoint_.clear();
    Status started = StartCheckpoint(next);
    if (!started.ok()) {
      for (StatusCallback& waiter : next) waiter(started);
    }
  }
  for (StatusCallback& callback : callbacks) callback(status);
}

}  // namespace ferrite
