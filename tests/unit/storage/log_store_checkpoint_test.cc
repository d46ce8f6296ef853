// LogStore::Checkpoint with each IoEngine: what a checkpoint writes (manifest, index
// snapshot), checkpoints asked for while one runs, writes that race a checkpoint, and
// failures that leave the previous checkpoint current.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/checkpoint_manifest.h"
#include "storage/log_store_test_fixture.h"

namespace ferrite {
namespace {

class LogStoreCheckpointTest : public LogStoreTest {
 protected:
  std::string Dir() const { return dir_.Path("log"); }
  std::optional<CheckpointManifest> Manifest() const {
    auto manifest = ReadCheckpointManifest(Dir());
    EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
    return manifest.ok() ? *manifest : std::nullopt;
  }
  std::vector<std::string> SnapshotFiles() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(Dir())) {
      std::string name = entry.path().filename().string();
      if (name.starts_with("checkpoint.")) names.push_back(name);
    }
    return names;
  }
};

TEST_P(LogStoreCheckpointTest, WritesManifestAndSnapshotAndKeepsOnlyTheCurrentOne) {
  ASSERT_TRUE(Open().ok());
  EXPECT_FALSE(Manifest().has_value());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(Put("k" + std::to_string(i), "v").ok());
  const LogAddress tail = store_->log().tail();
  ASSERT_TRUE(Checkpoint().ok());
  auto first = Manifest();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sequence, 1u);
  EXPECT_EQ(first->durable_tail, tail);
  EXPECT_EQ(first->log_begin, store_->log().begin());
  EXPECT_EQ(first->page_bits, kGeometry.page_bits);
  EXPECT_EQ(first->index_bucket_bits,
            static_cast<uint32_t>(std::countr_zero(store_->index().bucket_count())));
  EXPECT_EQ(std::filesystem::file_size(Dir() + "/" + first->index_file), first->index_bytes);
  EXPECT_EQ(store_->checkpoint_sequence(), 1u);
  EXPECT_EQ(store_->stats().checkpoints, 1u);

  ASSERT_TRUE(Put("after", "x").ok());
  ASSERT_TRUE(Checkpoint().ok());
  auto second = Manifest();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->sequence, 2u);
  EXPECT_GT(second->durable_tail, first->durable_tail);
  // The replaced snapshot is gone; only the current one stays.
  EXPECT_EQ(SnapshotFiles(), std::vector<std::string>{second->index_file});
}

TEST_P(LogStoreCheckpointTest, CallsWhileOneRunsShareTheNextOne) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("a", "1").ok());
  std::vector<Status> outcomes;
  std::vector<uint64_t> sequences;
  auto record = [&](Status status) {
    outcomes.push_back(status);
    sequences.push_back(store_->checkpoint_sequence());
  };
  ASSERT_TRUE(store_->Checkpoint(record).ok());
  // Written after the first checkpoint took its tail: only a later one covers it.
  ASSERT_TRUE(Put("b", "2").ok());
  ASSERT_TRUE(store_->Checkpoint(record).ok());
  ASSERT_TRUE(store_->Checkpoint(record).ok());
  while (outcomes.size() < 3) store_->Wait();
  for (const Status& status : outcomes) EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 2, 2}));
  EXPECT_FALSE(store_->checkpoint_running());
  auto manifest = Manifest();
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->durable_tail, store_->log().tail());
}

TEST_P(LogStoreCheckpointTest, WritesDuringACheckpointAreKeptByTheNextOne) {
  ASSERT_TRUE(Open().ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Put("k" + std::to_string(i), "old").ok());
  std::optional<Status> done;
  ASSERT_TRUE(store_->Checkpoint([&](Status status) { done = status; }).ok());
  // While the checkpoint is in flight: overwrites (some in place), deletes, new keys.
  for (int i = 0; i < 100; i += 2) ASSERT_TRUE(Put("k" + std::to_string(i), "new").ok());
  ASSERT_TRUE(Del("k1").ok());
  ASSERT_TRUE(Put("fresh", "value").ok());
  while (!done.has_value()) store_->Wait();
  ASSERT_TRUE(done->ok()) << done->ToString();
  ASSERT_TRUE(Checkpoint().ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(store_->recovery().checkpoint_sequence, 2u);
  EXPECT_EQ(store_->recovery().records_replayed, 0u);
  for (int i = 0; i < 100; ++i) {
    auto value = Get("k" + std::to_string(i));
    if (i == 1) {
      EXPECT_EQ(value.status().code(), StatusCode::kNotFound);
    } else {
      ASSERT_TRUE(value.ok()) << i;
      EXPECT_EQ(*value, i % 2 == 0 ? "new" : "old") << i;
    }
  }
  EXPECT_EQ(*Get("fresh"), "value");
}

TEST_P(LogStoreCheckpointTest, FailedSnapshotSyncLeavesThePreviousCheckpointCurrent) {
  InjectFaults();
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("a", "1").ok());
  ASSERT_TRUE(Checkpoint().ok());
  ASSERT_TRUE(Put("b", "2").ok());
  // The snapshot file is synced with fsync, the log's segments with fdatasync.
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet{IoOpcode::kFsync}, .max_fires = 1},
                    .action = FaultAction::Error(EIO)});
  Status failed = Checkpoint();
  EXPECT_EQ(failed.code(), StatusCode::kIoError) << failed.ToString();
  EXPECT_EQ(faults_->counters().errors, 1u);
  auto manifest = Manifest();
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->sequence, 1u);
  EXPECT_EQ(store_->checkpoint_sequence(), 1u);
  // The store goes on; the next checkpoint succeeds and replaces the first.
  faults_->ClearRules();
  ASSERT_TRUE(Checkpoint().ok());
  EXPECT_EQ(Manifest()->sequence, 2u);
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(*Get("a"), "1");
  EXPECT_EQ(*Get("b"), "2");
}

TEST_P(LogStoreCheckpointTest, FailedLogFlushFailsTheCheckpoint) {
  InjectFaults();
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("a", "1").ok());
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes(), .max_fires = 1},
                    .action = FaultAction::Error(ENOSPC)});
  Status failed = Checkpoint();
  EXPECT_EQ(failed.code(), StatusCode::kNoSpace) << failed.ToString();
  EXPECT_FALSE(Manifest().has_value());
  EXPECT_TRUE(SnapshotFiles().empty());
  // The log has failed for good: later checkpoints say so at once.
  EXPECT_EQ(store_->Checkpoint([](Status) {}).code(), StatusCode::kNoSpace);
}

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreCheckpointTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
