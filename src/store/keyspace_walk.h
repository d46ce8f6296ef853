// Walks over the live keys of one database of a shard (SCAN, KEYS, DBSIZE, RANDOMKEY,
// FLUSHDB), on LogStore::Scan. The cost is the log's size, not the database's: every
// record is examined, and records below the head are read from disk.
//
// Shard thread only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "storage/log_address.h"
#include "storage/log_store.h"
#include "store/database_map.h"
#include "store/keyspace_shard.h"

namespace ferrite {

// One step: the keys of `db` (without the database byte) among the records examined.
struct KeyspaceStep {
  std::vector<std::string> keys;
  LogAddress next = kInvalidAddress;
  bool reached_tail = false;
};
using KeyspaceStepCallback = std::function<void(Result<KeyspaceStep>)>;

// Examines up to `max_records` records from `from` (LogStore::Scan).
void ScanDatabaseStep(KeyspaceShard& shard, int db, LogAddress from, size_t max_records,
                      KeyspaceStepCallback callback);

// Receives the keys of one step and calls `next` (once, at any time) to go on.
using KeysBatchVisitor =
    std::function<void(std::vector<std::string> keys, std::function<void()> next)>;

// Receives the live entries of one step (stored keys, with their database byte, and
// expiries; no values) and calls `next` (once, at any time) to go on.
using EntriesBatchVisitor =
    std::function<void(std::vector<ScanEntry> entries, std::function<void()> next)>;

// Every live entry of the shard, of every database, step by step from the live begin to
// the tail, then `done` with OK or the first error. Steps that complete inside their
// call are looped over, not nested.
void WalkShard(KeyspaceShard& shard, EntriesBatchVisitor visit, std::function<void(Status)> done);

// Every live key of `db`, step by step to the tail, then `done` with OK or the first
// error. Each key live for the whole walk is visited at least once. Steps that complete
// inside their call are looped over, not nested.
void WalkDatabase(KeyspaceShard& shard, int db, KeysBatchVisitor visit,
                  std::function<void(Status)> done);

// INFO keyspace's figures for one database.
struct DatabaseCount {
  uint64_t keys = 0;
  uint64_t expires = 0;    // keys with an expiry
  int64_t ttl_sum_ms = 0;  // their remaining time to live, summed

  void Merge(const DatabaseCount& other) {
    keys += other.keys;
    expires += other.expires;
    ttl_sum_ms += other.ttl_sum_ms;
  }
};
// Indexed by stored database (the key prefix byte).
using DatabaseCounts = std::array<DatabaseCount, kMaxDatabases>;

// Counts the live keys of every database of the shard in one walk, with the remaining
// time to live of those that expire, as of `now_ms` (Unix ms).
void CountDatabases(KeyspaceShard& shard, int64_t now_ms,
                    std::function<void(Result<DatabaseCounts>)> done);

}  // namespace ferrite
