#include "store/keyspace_shard.h"

#include <utility>

#include "storage/key_hash.h"

namespace ferrite {

uint32_t ShardOfKey(std::string_view key, uint32_t shards) {
  return static_cast<uint32_t>(((HashKey(key) >> 32) & 0xFFFF) % shards);
}

Result<std::unique_ptr<KeyspaceShard>> KeyspaceShard::Open(IoEngine& engine,
                                                           KeyspaceShardOptions options) {
  auto store = LogStore::Open(engine, std::move(options.store));
  if (!store.ok()) return store.status();
  return std::unique_ptr<KeyspaceShard>(new KeyspaceShard(std::move(store).value()));
}

KeyspaceShard::~KeyspaceShard() { (void)Close(); }

Status KeyspaceShard::Close() {
  if (!store_) return Status::Ok();
  store_->StopCompaction();
  Status status = store_->RunSync<Status>([this](auto done) {
    Status started = store_->Checkpoint(done);
    if (!started.ok()) done(std::move(started));
  });
  // The destructor completes whatever is still in flight (a compaction's last page).
  store_.reset();
  return status;
}

std::string KeyspaceShard::StoredKey(int db, std::string_view key) {
  std::string stored;
  stored.reserve(key.size() + 1);
  stored.push_back(static_cast<char>(static_cast<uint8_t>(db)));
  stored.append(key);
  return stored;
}

void KeyspaceShard::Get(int db, std::string_view key, EntryCallback callback) {
  store_->ReadEntry(StoredKey(db, key), std::move(callback));
}

void KeyspaceShard::Put(int db, std::string_view key, std::string_view value,
                        std::optional<int64_t> expiry_ms, StatusCallback callback) {
  store_->Upsert(
      StoredKey(db, key), value, expiry_ms, [callback = std::move(callback)](Status status) {
        // The one argument error the store gives: a record larger than a
        // page. Clients get it as an ERR reply that says which limit.
        if (status.code() == StatusCode::kInvalidArgument) {
          return callback(
              Status::InvalidArgument("ERR value too large for the log page (storage.page_size): " +
                                      std::string(status.message())));
        }
        callback(std::move(status));
      });
}

void KeyspaceShard::Erase(int db, std::string_view key, BoolCallback callback) {
  store_->Delete(StoredKey(db, key), [callback = std::move(callback)](Status status) {
    if (status.ok()) return callback(true);
    if (status.code() == StatusCode::kNotFound) return callback(false);
    callback(std::move(status));
  });
}

}  // namespace ferrite
