// The fixture of the LogStore suites (operations, checkpoints, recovery): a store on
// real files with each IoEngine, a small geometry so that most records live on disk, a
// settable clock, and blocking helpers around the asynchronous operations.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/temp_dir.h"
#include "storage/engine_test_fixture.h"
#include "storage/log_store.h"

namespace ferrite {

// 4 KiB pages, 4 pages a segment, 4 frames: a few dozen records reach the disk.
constexpr LogGeometry kGeometry{12, 14};

class LogStoreTest : public EngineTest {
 protected:
  LogStoreTest() : EngineTest(64) {}

  Status Open(uint64_t index_buckets = 4, uint32_t memory_pages = 4,
              double compaction_trigger = 2.0) {
    store_.reset();
    LogStoreOptions options{.log = {.directory = dir_.Path("log"),
                                    .geometry = kGeometry,
                                    .memory_pages = memory_pages,
                                    .mutable_fraction = 0.5,
                                    .direct_io = true},
                            .index_buckets = index_buckets,
                            .clock = [this] { return now_ms_; },
                            .compaction_trigger = compaction_trigger};
    auto store = LogStore::Open(*engine_, std::move(options));
    if (!store.ok()) return store.status();
    store_ = std::move(store).value();
    return Status::Ok();
  }
  Status Reopen() {
    Status flushed = Flush();
    if (!flushed.ok()) return flushed;
    return Open();
  }
  // FlushAll, once a compaction pass and its checkpoint (which flush too) are done.
  Status Flush() {
    while (store_->compaction_running() || store_->checkpoint_running()) store_->Wait();
    return store_->RunSync<Status>([&](auto done) {
      Status started = store_->FlushAll(done);
      if (!started.ok()) done(std::move(started));
    });
  }
  Status Checkpoint() {
    return store_->RunSync<Status>([&](auto done) {
      Status started = store_->Checkpoint(done);
      if (!started.ok()) done(std::move(started));
    });
  }

  Result<std::string> Get(std::string_view key) {
    return store_->RunSync<Result<std::string>>([&](auto done) { store_->Read(key, done); });
  }
  Status Put(std::string_view key, std::string_view value,
             std::optional<int64_t> expiry = std::nullopt) {
    return store_->RunSync<Status>([&](auto done) { store_->Upsert(key, value, expiry, done); });
  }
  Status Del(std::string_view key) {
    return store_->RunSync<Status>([&](auto done) { store_->Delete(key, done); });
  }
  Status Rmw(std::string_view key, LogStore::UpdateFunction update) {
    return store_->RunSync<Status>(
        [&](auto done) { store_->ReadModifyWrite(key, std::move(update), done); });
  }
  // Appends records of another key until `count` pages lie below the head.
  void PushToDisk(uint64_t pages = 6) {
    LogAddress target = store_->log().tail() + pages * kGeometry.page_size();
    for (int i = 0; store_->log().head() < target; ++i) {
      ASSERT_TRUE(Put("filler", std::string(i % 2 == 0 ? 900 : 1000, 'f')).ok());
    }
  }

  TempDir dir_;
  std::unique_ptr<LogStore> store_;
  int64_t now_ms_ = 1'000'000;
};

}  // namespace ferrite
