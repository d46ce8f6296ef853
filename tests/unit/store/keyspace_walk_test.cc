// Walks over one database of a KeyspaceShard, with each IoEngine: only that database's
// live keys, without their prefix, whole walks and single steps, and a visitor that
// deletes the keys it is given (FLUSHDB's use).
#include "store/keyspace_walk.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/temp_dir.h"
#include "storage/engine_test_fixture.h"

namespace ferrite {
namespace {

class KeyspaceWalkTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    KeyspaceShardOptions options;
    options.store.log = {.directory = dir_.Path("shard"),
                         .geometry = LogGeometry{12, 14},
                         .memory_pages = 4,
                         .mutable_fraction = 0.5,
                         .direct_io = true};
    options.store.index_buckets = 64;
    auto shard = KeyspaceShard::Open(*engine_, std::move(options));
    ASSERT_TRUE(shard.ok()) << shard.status().ToString();
    shard_ = std::move(shard).value();
  }
  void TearDown() override { shard_.reset(); }

  void Put(int db, const std::string& key) {
    Status status = shard_->store().RunSync<Status>(
        [&](auto done) { shard_->Put(db, key, std::string(200, 'v'), std::nullopt, done); });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  std::multiset<std::string> WalkAll(int db) {
    std::multiset<std::string> keys;
    std::optional<Status> outcome;
    WalkDatabase(
        *shard_, db,
        [&keys](std::vector<std::string> batch, std::function<void()> next) {
          keys.insert(batch.begin(), batch.end());
          next();
        },
        [&outcome](Status status) { outcome = status; });
    while (!outcome.has_value()) shard_->store().Wait();
    EXPECT_TRUE(outcome->ok()) << outcome->ToString();
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<KeyspaceShard> shard_;
};

TEST_P(KeyspaceWalkTest, VisitsTheLiveKeysOfOneDatabase) {
  std::multiset<std::string> db0;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(i);
    Put(i % 3 == 0 ? 1 : 0, key);
    if (i % 3 != 0) db0.insert(key);
  }
  EXPECT_EQ(WalkAll(0), db0);
  EXPECT_EQ(WalkAll(1).size(), 100u);
  EXPECT_TRUE(WalkAll(2).empty());
}

TEST_P(KeyspaceWalkTest, StepsContinueFromTheirCursor) {
  for (int i = 0; i < 50; ++i) Put(0, "k" + std::to_string(i));
  std::set<std::string> seen;
  LogAddress cursor = 0;
  for (;;) {
    auto step = shard_->store().RunSync<Result<KeyspaceStep>>(
        [&](auto done) { ScanDatabaseStep(*shard_, 0, cursor, 7, done); });
    ASSERT_TRUE(step.ok());
    EXPECT_LE(step->keys.size(), 7u);
    seen.insert(step->keys.begin(), step->keys.end());
    if (step->reached_tail) break;
    cursor = step->next;
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST_P(KeyspaceWalkTest, AVisitorMayDeleteWhatItIsGiven) {
  for (int i = 0; i < 200; ++i) Put(0, "k" + std::to_string(i));
  std::optional<Status> outcome;
  WalkDatabase(
      *shard_, 0,
      [this](std::vector<std::string> batch, std::function<void()> next) {
        if (batch.empty()) return next();
        auto remaining = std::make_shared<size_t>(batch.size());
        for (const std::string& key : batch) {
          shard_->Erase(0, key, [remaining, next](Result<bool> erased) {
            EXPECT_TRUE(erased.ok() && *erased);
            if (--*remaining == 0) next();
          });
        }
      },
      [&outcome](Status status) { outcome = status; });
  while (!outcome.has_value()) shard_->store().Wait();
  ASSERT_TRUE(outcome->ok());
  EXPECT_TRUE(WalkAll(0).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, KeyspaceWalkTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
