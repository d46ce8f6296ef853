// Db: the embedded API over a set of shards. Every operation becomes a task on its key's
// shard thread; the blocking calls wait for the task's callback through a future.
#include "ferrite/db.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include "io/engine_factory.h"
#include "storage/key_hash.h"
#include "store/db_layout.h"
#include "store/shard.h"

namespace ferrite {
namespace {

// The shard of a key comes from hash bits 32..47: the hash index takes its bucket from
// the low bits and its tag from the top 15 (ADR 0008), so the keys of one shard still
// spread over every bucket (up to 2^32 of them) and every tag.
uint32_t ShardOfHash(uint64_t hash, uint32_t shards) {
  return static_cast<uint32_t>(((hash >> 32) & 0xFFFF) % shards);
}

IoEngineKind EngineKindOf(DbIoOptions::Engine engine) {
  switch (engine) {
    case DbIoOptions::Engine::kUring:
      return IoEngineKind::kUring;
    case DbIoOptions::Engine::kThreads:
      return IoEngineKind::kThreads;
    case DbIoOptions::Engine::kAuto:
      break;
  }
  return IoEngineKind::kAuto;
}

int64_t ExpiryFromTtl(std::chrono::milliseconds ttl) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return (now + ttl).count();
}

// Maps a store's OK / NotFound to true / false.
Result<bool> FoundOrNot(Status status) {
  if (status.ok()) return true;
  if (status.code() == StatusCode::kNotFound) return false;
  return status;
}

// Runs `start(store, done)` on `shard` and waits for `done`.
template <typename T, typename Start>
T RunOn(Shard& shard, Start start) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  Status posted = shard.Post([promise, start = std::move(start)](LogStore& store) mutable {
    start(store, [promise](T result) { promise->set_value(std::move(result)); });
  });
  if (!posted.ok()) return T(std::move(posted));
  return future.get();
}

}  // namespace

struct Db::Impl {
  std::vector<std::unique_ptr<Shard>> shards;
  IoEngineKind engine_kind = IoEngineKind::kThreads;
  uint64_t page_size = 0;
  std::mutex close_mutex;
  bool closed = false;  // guarded by close_mutex
  Status close_status;  // guarded by close_mutex

  Shard& ShardFor(std::string_view key) {
    return *shards[ShardOfHash(HashKey(key), static_cast<uint32_t>(shards.size()))];
  }
};

Result<std::unique_ptr<Db>> Db::Open(const std::string& dir, DbOptions options) {
  if (options.shards == 0) return Status::InvalidArgument("shards must be at least 1");
  auto geometry = LogGeometry::FromSizes(options.page_size, options.segment_size);
  if (!geometry.ok()) return geometry.status();
  const uint64_t shard_budget = options.memory_budget / options.shards;
  const uint64_t pages = shard_budget / options.page_size;
  if (pages < 4) {
    return Status::InvalidArgument("memory_budget of " + std::to_string(options.memory_budget) +
                                   " bytes holds " + std::to_string(pages) + " pages of " +
                                   std::to_string(options.page_size) +
                                   " bytes per shard; each of the " +
                                   std::to_string(options.shards) + " shards needs at least 4");
  }
  if (pages > UINT32_MAX) return Status::InvalidArgument("memory_budget is too large");

  IoOptions io{.engine = EngineKindOf(options.io.engine),
               .uring_entries = options.io.uring_entries,
               .registered_buffers = options.io.registered_buffers,
               .registered_buffer_size = options.io.registered_buffer_size,
               .uring_sqpoll = false,
               .direct_io = options.direct_io,
               .pool_threads = options.io.pool_threads};
  auto choice = ChooseIoEngine(io);
  if (!choice.ok()) return choice.status();
  if (!choice->fallback_reason.empty()) {
    spdlog::warn("io_uring unavailable, using the thread-pool engine: {}", choice->fallback_reason);
  }

  if (Status layout = CheckOrCreateDbLayout(dir, options.shards); !layout.ok()) return layout;

  auto impl = std::make_unique<Impl>();
  impl->engine_kind = choice->kind;
  impl->page_size = options.page_size;
  for (uint32_t i = 0; i < options.shards; ++i) {
    const std::filesystem::path shard_dir =
        std::filesystem::path(dir) / ("shard-" + std::to_string(i));
    std::error_code error;
    std::filesystem::create_directories(shard_dir, error);
    if (error) return Status::FromErrno(error.value(), "create " + shard_dir.string());
    ShardOptions shard_options{.engine = choice->kind,
                               .io = io,
                               .store = {.log = {.directory = shard_dir.string(),
                                                 .geometry = *geometry,
                                                 .memory_pages = static_cast<uint32_t>(pages),
                                                 .direct_io = options.direct_io},
                                         .memory_budget = shard_budget,
                                         .compaction_trigger = options.compaction_trigger}};
    auto shard = Shard::Open(i, std::move(shard_options));
    // Shards opened so far close (and join) as `impl` goes.
    if (!shard.ok()) return shard.status();
    impl->shards.push_back(std::move(shard).value());
  }
  return std::unique_ptr<Db>(new Db(std::move(impl)));
}

Db::Db(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Db::~Db() { (void)Close(); }

uint32_t Db::shard_count() const { return static_cast<uint32_t>(impl_->shards.size()); }

uint32_t Db::ShardOf(std::string_view key) const {
  return ShardOfHash(HashKey(key), shard_count());
}

std::string_view Db::io_engine_name() const { return IoEngineKindName(impl_->engine_kind); }

// ---- Blocking API. The key is captured as a view: the caller waits for the callback.

Result<std::string> Db::Get(std::string_view key) {
  return RunOn<Result<std::string>>(impl_->ShardFor(key), [key](LogStore& store, auto done) {
    store.Read(key, std::move(done));
  });
}

Status Db::Set(std::string_view key, std::string_view value) {
  return RunOn<Status>(impl_->ShardFor(key), [key, value](LogStore& store, auto done) {
    store.Upsert(key, value, std::nullopt, std::move(done));
  });
}

Status Db::Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
  const int64_t expiry = ExpiryFromTtl(ttl);
  return RunOn<Status>(impl_->ShardFor(key), [key, value, expiry](LogStore& store, auto done) {
    store.Upsert(key, value, expiry, std::move(done));
  });
}

Result<bool> Db::Del(std::string_view key) {
  return FoundOrNot(RunOn<Status>(impl_->ShardFor(key), [key](LogStore& store, auto done) {
    store.Delete(key, std::move(done));
  }));
}

Result<bool> Db::Exists(std::string_view key) {
  auto value = Get(key);
  return FoundOrNot(value.ok() ? Status::Ok() : value.status());
}

Result<bool> Db::Expire(std::string_view key, std::chrono::milliseconds ttl) {
  const int64_t expiry = ExpiryFromTtl(ttl);
  // The update may run more than once; its last run saw the value that was written.
  auto found = std::make_shared<bool>(false);
  Status status =
      RunOn<Status>(impl_->ShardFor(key), [key, expiry, found](LogStore& store, auto done) {
        store.ReadModifyWrite(
            key,
            [found](std::optional<std::string_view> old) -> std::optional<std::string> {
              *found = old.has_value();
              if (!old.has_value()) return std::nullopt;
              return std::string(*old);
            },
            expiry, std::move(done));
      });
  if (!status.ok()) return status;
  return *found;
}

Status Db::Update(std::string_view key, UpdateFunction update) {
  return RunOn<Status>(impl_->ShardFor(key),
                       [key, update = std::move(update)](LogStore& store, auto done) mutable {
                         store.ReadModifyWrite(key, std::move(update), std::move(done));
                       });
}

// ---- Asynchronous API. The key and value are copied: the caller does not wait.

void Db::GetAsync(std::string_view key, ReadCallback callback) {
  auto shared = std::make_shared<ReadCallback>(std::move(callback));
  Status posted = impl_->ShardFor(key).Post(
      [key = std::string(key), shared](LogStore& store) { store.Read(key, std::move(*shared)); });
  if (!posted.ok()) (*shared)(std::move(posted));
}

void Db::SetAsync(std::string_view key, std::string_view value, StatusCallback callback) {
  auto shared = std::make_shared<StatusCallback>(std::move(callback));
  Status posted = impl_->ShardFor(key).Post(
      [key = std::string(key), value = std::string(value), shared](LogStore& store) {
        store.Upsert(key, value, std::nullopt, std::move(*shared));
      });
  if (!posted.ok()) (*shared)(std::move(posted));
}

void Db::DelAsync(std::string_view key, BoolCallback callback) {
  auto shared = std::make_shared<BoolCallback>(std::move(callback));
  Status posted = impl_->ShardFor(key).Post([key = std::string(key), shared](LogStore& store) {
    store.Delete(key, [callback = std::move(*shared)](Status status) {
      callback(FoundOrNot(std::move(status)));
    });
  });
  if (!posted.ok()) (*shared)(std::move(posted));
}

// ---- Durability and shutdown

Status Db::Checkpoint() {
  std::vector<std::future<Status>> flushes;
  for (auto& shard : impl_->shards) {
    auto promise = std::make_shared<std::promise<Status>>();
    flushes.push_back(promise->get_future());
    Shard* raw = shard.get();
    Status posted = raw->Post([raw, promise](LogStore&) {
      raw->Checkpoint([promise](Status status) { promise->set_value(std::move(status)); });
    });
    if (!posted.ok()) promise->set_value(std::move(posted));
  }
  Status first;
  for (auto& flush : flushes) {
    Status status = flush.get();
    if (first.ok() && !status.ok()) first = std::move(status);
  }
  return first;
}

Result<DbStats> Db::Stats() {
  DbStats total;
  for (auto& shard : impl_->shards) {
    auto stats = RunOn<Result<DbStats>>(*shard, [](LogStore& store, auto done) {
      const HybridLog& log = store.log();
      const LogStoreStats& ops = store.stats();
      DbStats one;
      one.memory_budget = store.memory_budget();
      one.index_bytes = store.index().memory_bytes();
      one.log_memory_bytes = log.memory_bytes();
      one.log_bytes_in_memory = log.tail() - log.head();
      one.log_bytes_total = log.tail() - log.begin();
      one.index_entries = store.index().entry_count();
      one.found_mutable = ops.found_mutable;
      one.found_read_only = ops.found_read_only;
      one.found_disk = ops.found_disk;
      one.pending_lookups = ops.pending_lookups;
      one.disk_reads = ops.disk_reads;
      one.pages_flushed = log.stats().pages_flushed;
      one.evictions = log.stats().evictions;
      one.checkpoints = ops.checkpoints;
      one.compacted_segments = ops.compacted_segments;
      one.compaction_copied = ops.compaction_copied;
      done(one);
    });
    if (!stats.ok()) return stats.status();
    total.memory_budget += stats->memory_budget;
    total.index_bytes += stats->index_bytes;
    total.log_memory_bytes += stats->log_memory_bytes;
    total.log_bytes_in_memory += stats->log_bytes_in_memory;
    total.log_bytes_total += stats->log_bytes_total;
    total.index_entries += stats->index_entries;
    total.found_mutable += stats->found_mutable;
    total.found_read_only += stats->found_read_only;
    total.found_disk += stats->found_disk;
    total.pending_lookups += stats->pending_lookups;
    total.disk_reads += stats->disk_reads;
    total.pages_flushed += stats->pages_flushed;
    total.evictions += stats->evictions;
    total.checkpoints += stats->checkpoints;
    total.compacted_segments += stats->compacted_segments;
    total.compaction_copied += stats->compaction_copied;
  }
  return total;
}

Status Db::SetMemoryBudget(uint64_t bytes) {
  const uint64_t share = bytes / impl_->shards.size();
  if (share / impl_->page_size < 4) {
    return Status::InvalidArgument("memory budget of " + std::to_string(bytes) +
                                   " bytes holds fewer than 4 pages per shard");
  }
  for (auto& shard : impl_->shards) {
    Status status = RunOn<Status>(
        *shard, [share](LogStore& store, auto done) { done(store.SetMemoryBudget(share)); });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status Db::Close() {
  std::lock_guard lock(impl_->close_mutex);
  if (impl_->closed) return impl_->close_status;
  impl_->closed = true;
  for (auto& shard : impl_->shards) {
    Status status = shard->Close();
    if (impl_->close_status.ok() && !status.ok()) impl_->close_status = std::move(status);
  }
  return impl_->close_status;
}

}  // namespace ferrite
