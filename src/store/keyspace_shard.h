// KeyspaceShard: one shard of the server's keyspace (ADR 0012). It owns the shard's
// LogStore and its KeyGate, and stores a key of database `db` under one byte of `db`
// followed by the key, so that the sixteen (or more) databases share one log and one
// index, and MOVE between databases stays on the key's shard (shards are chosen by the
// key alone, see ShardOfKey).
//
// Shard thread only: the owning worker drives the store from its event loop (Poll()
// when the engine completes, Flush() before it sleeps).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "storage/log_store.h"
#include "store/database_map.h"
#include "store/key_gate.h"

namespace ferrite {

// The shard that owns `key` among `shards`, from bits 32..47 of its hash (as the
// embedded Db places keys; the index uses the low bits and the top 15).
uint32_t ShardOfKey(std::string_view key, uint32_t shards);


struct KeyspaceShardOptions {
  LogStoreOptions store;
};

class KeyspaceShard {
 public:
  using EntryCallback = LogStore::EntryCallback;
  using StatusCallback = LogStore::StatusCallback;
  using BoolCallback = std::function<void(Result<bool>)>;

  // Opens (recovers) the shard's store on `engine`. REQUIRES: `engine` outlives it.
  static Result<std::unique_ptr<KeyspaceShard>> Open(IoEngine& engine,
                                                     KeyspaceShardOptions options);
  // Close(), ignoring its status.
  ~KeyspaceShard();
  KeyspaceShard(const KeyspaceShard&) = delete;
  KeyspaceShard& operator=(const KeyspaceShard&) = delete;

  // The stored form of `key` in database `db`: the key gate and the store use it.
  static std::string StoredKey(int db, std::string_view key);

  // The value and expiry of a live key; NotFound when it is missing or expired.
  void Get(int db, std::string_view key, EntryCallback callback);
  // Stores the value with `expiry_ms` (Unix ms; nullopt: none).
  void Put(int db, std::string_view key, std::string_view value, std::optional<int64_t> expiry_ms,
           StatusCallback callback);
  // True when a live key was deleted.
  void Erase(int db, std::string_view key, BoolCallback callback);

  // Submits prepared disk operations and runs completions; called by the owner's loop.
  void Poll() { store_->Poll(); }
  // Makes every write so far durable in a checkpoint.
  Status Checkpoint(StatusCallback callback) { return store_->Checkpoint(std::move(callback)); }

  // Completes every operation, checkpoints (so that reopening restores the index
  // rather than replaying the log) and closes the store. The checkpoint's error.
  // No other call is allowed afterwards.
  Status Close();

  KeyGate& gate() { return gate_; }
  LogStore& store() { return *store_; }
  const LogStore& store() const { return *store_; }

 private:
  explicit KeyspaceShard(std::unique_ptr<LogStore> store) : store_(std::move(store)) {}

  std::unique_ptr<LogStore> store_;
  KeyGate gate_;
};

}  // namespace ferrite
