#include "store/keyspace_walk.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace ferrite {
namespace {

// Records examined per step of a whole walk: large enough that steps are cheap next to
// their records, small enough that a step's keys stay a modest allocation.
constexpr size_t kWalkStepRecords = 4096;

struct Walk : std::enable_shared_from_this<Walk> {
  KeyspaceShard* shard = nullptr;
  LogAddress cursor = 0;
  EntriesBatchVisitor visit;
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
    shard->store().Scan(cursor, kWalkStepRecords, /*with_values=*/false,
                        [self](Result<ScanBatch> batch) {
                          if (!batch.ok()) return self->done(batch.status());
                          const bool last = batch->reached_tail;
                          self->cursor = batch->next;
                          self->visit(std::move(batch->entries), [self, last] {
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

void WalkShard(KeyspaceShard& shard, EntriesBatchVisitor visit, std::function<void(Status)> done) {
  auto walk = std::make_shared<Walk>();
  walk->shard = &shard;
  walk->cursor = shard.store().live_begin();
  walk->visit = std::move(visit);
  walk->done = std::move(done);
  walk->Drive();
}

void WalkDatabase(KeyspaceShard& shard, int db, KeysBatchVisitor visit,
                  std::function<void(Status)> done) {
  const char prefix = static_cast<char>(static_cast<unsigned char>(db));
  WalkShard(
      shard,
      [prefix, visit = std::move(visit)](std::vector<ScanEntry> entries,
                                         std::function<void()> next) {
        std::vector<std::string> keys;
        for (ScanEntry& entry : entries) {
          if (!entry.key.empty() && entry.key[0] == prefix) keys.push_back(entry.key.substr(1));
        }
        visit(std::move(keys), std::move(next));
      },
      std::move(done));
}

void CountDatabases(KeyspaceShard& shard, int64_t now_ms,
                    std::function<void(Result<DatabaseCounts>)> done) {
  auto counts = std::make_shared<DatabaseCounts>();
  WalkShard(
      shard,
      [counts, now_ms](std::vector<ScanEntry> entries, std::function<void()> next) {
        for (const ScanEntry& entry : entries) {
          if (entry.key.empty()) continue;
          DatabaseCount& db = (*counts)[static_cast<unsigned char>(entry.key[0])];
          ++db.keys;
          if (entry.expiry_ms) {
            ++db.expires;
            db.ttl_sum_ms += std::max<int64_t>(*entry.expiry_ms - now_ms, 0);
          }
        }
        next();
      },
      [counts, done = std::move(done)](Status status) {
        if (!status.ok()) return done(status);
        done(std::move(*counts));
      });
}

}  // namespace ferrite
