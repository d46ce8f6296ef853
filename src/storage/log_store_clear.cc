// LogStore::Clear (FLUSHALL): every key goes at once. The index is replaced and the
// records below the tail become dead; the log's begin catches up with them as their pages
// leave memory, and the segment files go with the checkpoints after that.
#include <algorithm>
#include <utility>

#include "storage/log_store.h"

namespace ferrite {

void LogStore::Clear(StatusCallback callback) {
  // Walks in flight meet addresses below the new live begin and start again from the
  // new index (RestartIfCompactedPast), where they find nothing; writes that waited for
  // the tail relink to the new index when they apply. Same size: a keyspace that was
  // this large is likely to come back, and growing again would cost as much.
  HashIndex fresh(index_.bucket_count());
  fresh.set_chain_reader([this](uint64_t address) { return ReadChainLink(address); });
  index_ = std::move(fresh);
  cleared_until_ = log_->tail();
  ++stats_.clears;
  NoteIndexSize();
  AdvanceBeginToCleared();
  // The checkpoint's index snapshot is the empty index and recovery replays only what
  // lies above its tail, so a reopened store has none of the cleared keys.
  Status started = Checkpoint(callback);
  if (!started.ok()) callback(std::move(started));
}

void LogStore::AdvanceBeginToCleared() {
  // Compaction moves begin to the end of the segment it works on: not under it.
  if (compaction_.active || log_->begin() >= cleared_until_) return;
  const LogGeometry& geometry = log_->geometry();
  const LogAddress limit = std::min({cleared_until_, log_->head(), log_->flushed_until()});
  const LogAddress target = geometry.page_start(geometry.page_of(limit));
  if (target <= log_->begin()) return;
  // Cannot fail: a page start in [begin, min(head, flushed_until)].
  (void)log_->AdvanceBegin(target);
}

}  // namespace ferrite
