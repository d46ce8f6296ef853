// How data commands reach the keyspace's shards (ADR 0012). The server implements it:
// every worker thread owns one KeyspaceShard, and a command runs its store work on the
// shard of its keys, with those keys held in that shard's KeyGate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/key_gate.h"
#include "store/keyspace_shard.h"

namespace ferrite {

// Work on one shard with its keys held; it calls the Release when its effects are
// applied (after a disk read, perhaps).
using ShardWork = std::function<void(KeyspaceShard& shard, KeyGate::Release release)>;

// The keys of a transaction that live on one shard (stored keys: KeyspaceShard::StoredKey).
struct TransactionPart {
  uint32_t shard = 0;
  std::vector<std::string> keys;
};

// A command over keys of several shards, atomic as a whole: its parts take their keys
// in one global order (so two transactions are seen in the same order on every shard)
// and hold them until Finish(), so no client sees a state between its steps.
class ShardTransaction {
 public:
  // Runs `step(part, shard, part_done)` on every part's shard, each part_done called
  // once there; then `then` on the thread that began the transaction. The first step
  // runs once the part's keys are held.
  using Step =
      std::function<void(size_t part, KeyspaceShard& shard, std::function<void()> part_done)>;

  virtual ~ShardTransaction() = default;
  virtual void Run(Step step, std::function<void()> then) = 0;
  // Releases every part's keys. Call once, after the last Run's `then`.
  virtual void Finish() = 0;
};

class KeyspaceRouter {
 public:
  virtual ~KeyspaceRouter() = default;

  virtual uint32_t shard_count() const = 0;
  // The shard the calling (worker) thread owns.
  virtual uint32_t local_shard() const = 0;
  uint32_t ShardOf(std::string_view key) const { return ShardOfKey(key, shard_count()); }

  // Runs `work` on `shard`'s thread once `keys` are free there: now, inside this call,
  // when the shard is the caller's own and the keys are free.
  virtual void RunOnShard(uint32_t shard, std::vector<std::string> keys, ShardWork work) = 0;

  // The stored database (the key prefix byte) of database `db` as clients number it:
  // SWAPDB exchanges two databases by exchanging their stored ones (ADR 0012,
  // decision 7). Commands map the database when they are dispatched.
  virtual int StoredDb(int db) const = 0;
  // SWAPDB: exchanges databases `a` and `b` for every client, durably; `done` runs on
  // the calling thread once every shard has passed the swap.
  virtual void SwapDatabases(int a, int b, std::function<void(Status)> done) = 0;

  // A transaction over `parts` (at least one; distinct shards). Its `then` callbacks run
  // on the calling thread, later (never inside Run()).
  virtual std::shared_ptr<ShardTransaction> BeginTransaction(
      std::vector<TransactionPart> parts) = 0;
};

}  // namespace ferrite
