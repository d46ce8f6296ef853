// Walks over the live keys of one database of a shard (SCAN, KEYS, DBSIZE, RANDOMKEY,
// FLUSHDB), on LogStore::Scan. The cost is the log's size, not the database's: every
// record is examined, and records below the head are read from disk.
//
// Shard thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "storage/log_address.h"
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

// Every live key of `db`, step by step to the tail, then `done` with OK or the first
// error. Each key live for the whole walk is visited at least once. Steps that complete
// inside their call are looped over, not nested.
void WalkDatabase(KeyspaceShard& shard, int db, KeysBatchVisitor visit,
                  std::function<void(Status)> done);

}  // namespace ferrite
