// KeyspaceShard on a real store and engine: databases are separate namespaces, the
// shard of a key does not depend on its database, and Close() checkpoints so that a
// reopened shard restores its index from the checkpoint.
#include "store/keyspace_shard.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "io/engine_factory.h"
#include "io/temp_dir.h"
#include "storage/log_address.h"

namespace ferrite {
namespace {

class KeyspaceShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = CreateIoEngine(IoEngineKind::kThreads, IoOptions{});
    ASSERT_TRUE(engine.ok());
    engine_ = std::move(engine).value();
  }

  Result<std::unique_ptr<KeyspaceShard>> Open() {
    KeyspaceShardOptions options;
    options.store.log.directory = dir_.path().string();
    options.store.log.geometry = *LogGeometry::FromSizes(64 << 10, 256 << 10);
    options.store.log.memory_pages = 8;
    return KeyspaceShard::Open(*engine_, std::move(options));
  }

  template <typename T, typename Start>
  T Run(KeyspaceShard& shard, Start start) {
    return shard.store().RunSync<T>(start);
  }

  Result<StoredEntry> Get(KeyspaceShard& shard, int db, std::string_view key) {
    return Run<Result<StoredEntry>>(shard, [&](auto done) { shard.Get(db, key, done); });
  }

  TempDir dir_;
  std::unique_ptr<IoEngine> engine_;
};

TEST_F(KeyspaceShardTest, DatabasesAreSeparate) {
  auto shard = Open();
  ASSERT_TRUE(shard.ok());
  KeyspaceShard& s = **shard;
  ASSERT_TRUE(Run<Status>(s, [&](auto done) { s.Put(0, "k", "zero", std::nullopt, done); }).ok());
  ASSERT_TRUE(Run<Status>(s, [&](auto done) {
                s.Put(3, "k", "three", int64_t{4102444800000}, done);
              }).ok());
  EXPECT_EQ(Get(s, 0, "k")->value, "zero");
  EXPECT_EQ(Get(s, 3, "k")->value, "three");
  EXPECT_EQ(Get(s, 3, "k")->expiry_ms, int64_t{4102444800000});
  EXPECT_EQ(Get(s, 1, "k").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(*Run<Result<bool>>(s, [&](auto done) { s.Erase(3, "k", done); }));
  EXPECT_FALSE(*Run<Result<bool>>(s, [&](auto done) { s.Erase(3, "k", done); }));
  EXPECT_EQ(Get(s, 0, "k")->value, "zero");
}

TEST_F(KeyspaceShardTest, StoredKeysCarryTheDatabaseByte) {
  EXPECT_EQ(KeyspaceShard::StoredKey(0, "ab"), std::string("\0ab", 3));
  EXPECT_EQ(KeyspaceShard::StoredKey(255, ""), std::string("\xff", 1));
  // The shard comes from the key alone, so MOVE between databases stays on it.
  for (uint32_t shards : {1u, 2u, 7u}) {
    EXPECT_LT(ShardOfKey("some key", shards), shards);
  }
}

TEST_F(KeyspaceShardTest, CloseCheckpointsAndReopenRestores) {
  {
    auto shard = Open();
    ASSERT_TRUE(shard.ok());
    KeyspaceShard& s = **shard;
    for (int i = 0; i < 500; ++i) {
      const std::string key = "key" + std::to_string(i);
      ASSERT_TRUE(Run<Status>(s, [&](auto done) {
                    s.Put(i % 4, key, std::string(200, 'v'), std::nullopt, done);
                  }).ok());
    }
    ASSERT_TRUE(s.Close().ok());
  }
  auto reopened = Open();
  ASSERT_TRUE(reopened.ok());
  EXPECT_GT((*reopened)->store().recovery().checkpoint_sequence, 0u);
  EXPECT_EQ((*reopened)->store().recovery().records_replayed, 0u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_TRUE(Get(**reopened, i % 4, "key" + std::to_string(i)).ok()) << i;
  }
}

}  // namespace
}  // namespace ferrite
