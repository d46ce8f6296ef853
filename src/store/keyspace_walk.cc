#include "store/keyspace_walk.h"

#include <memory>
#include <utility>

namespace ferrite {
namespace {

// Records examined per step of a whole walk: large enough that steps are cheap next to
// their records, small enough that a step's keys stay a modest allocation.
constexpr size_t kWalkStepRecords = 4096;

struct Walk : std::enable_shared_from_this<Walk> {
  KeyspaceShard* shard = nullptr;
  int db = 0;
  LogAddress cursor = 0;
  KeysBatchVisitor visit;
  std::function<void(Status)> done;
  bool driving = false;  // inside Drive()'s loop
  bool again = false;    // a step ended inside the loop: run the next one from it

  void Drive() {
    if (driving) {
      again = true;
      return;
    }
    driving = true;
    do {
      again = false;
      Step();
    } while (again);
    driving = false;
  }

  void Step() {
    auto self = shared_from_this();
    ScanDatabaseStep(*shard, db, cursor, kWalkStepRecords, [self](Result<KeyspaceStep> step) {
      if (!step.ok()) return self->done(step.status());
      const bool last = step->reached_tail;
      self->cursor = step->next;
      self->visit(std::move(step->keys), [self, last] {
        if (last) return self->done(Status::Ok());
        self->Drive();
      });
    });
  }
};

}  // namespace

void ScanDatabaseStep(KeyspaceShard& shard, int db, LogAddress from, size_t max_records,
                      KeyspaceStepCallback callback) {
  const char prefix = static_cast<char>(static_cast<unsigned char>(db));
  shard.store().Scan(from, max_records, /*with_values=*/false,
                     [prefix, callback = std::move(callback)](Result<ScanBatch> batch) {
                       if (!batch.ok()) return callback(batch.status());
                       KeyspaceStep step{
                           .keys = {}, .next = batch->next, .reached_tail = batch->reached_tail};
                       for (ScanEntry& entry : batch->entries) {
                         if (entry.key.empty() || entry.key[0] != prefix) continue;
                         step.keys.push_back(entry.key.substr(1));
                       }
                       callback(std::move(step));
                     });
}

void WalkDatabase(KeyspaceShard& shard, int db, KeysBatchVisitor visit,
                  std::function<void(Status)> done) {
  auto walk = std::make_shared<Walk>();
  walk->shard = &shard;
  walk->db = db;
  walk->visit = std::move(visit);
  walk->done = std::move(done);
  walk->Drive();
}

}  // namespace ferrite
