// LogStore::Open with each IoEngine: the index restored from a checkpoint and the
// records above it replayed, or every record replayed without one; stale files left by
// crashes; and every kind of file damaged (manifest, index snapshot, segment file):
// opening fails with Corruption naming the file, never with wrong data.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "storage/checkpoint_manifest.h"
#include "storage/log_store_test_fixture.h"

namespace ferrite {
namespace {

class LogStoreRecoveryTest : public LogStoreTest {
 protected:
  std::string Dir() const { return dir_.Path("log"); }
  std::string ManifestPath() const { return Dir() + "/" + std::string(kCheckpointManifestName); }
  std::string SnapshotPath() const {
    auto manifest = ReadCheckpointManifest(Dir());
    EXPECT_TRUE(manifest.ok() && manifest->has_value());
    return Dir() + "/" + (*manifest)->index_file;
  }

  // Keys on disk, a checkpoint, then more writes above it, flushed but not checkpointed.
  // About 14 pages below the checkpoint, spread over four segment files.
  void Populate() {
    store_.reset();
    std::filesystem::remove_all(Dir());
    model_.clear();
    ASSERT_TRUE(Open(/*index_buckets=*/2).ok());
    for (int i = 0; i < 400; ++i) {
      Write("k" + std::to_string(i), "first" + std::to_string(i) + std::string(100, 'p'));
    }
    ASSERT_TRUE(Checkpoint().ok());
    for (int i = 0; i < 400; i += 3) Write("k" + std::to_string(i), "second" + std::to_string(i));
    ASSERT_TRUE(Del("k1").ok());
    model_.erase("k1");
    ASSERT_TRUE(Flush().ok());
    store_.reset();
  }
  void Write(const std::string& key, const std::string& value) {
    ASSERT_TRUE(Put(key, value).ok());
    model_[key] = value;
  }
  void ExpectModel() {
    for (int i = 0; i < 400; ++i) {
      const std::string key = "k" + std::to_string(i);
      auto value = Get(key);
      auto expected = model_.find(key);
      if (expected == model_.end()) {
        EXPECT_EQ(value.status().code(), StatusCode::kNotFound) << key;
      } else {
        ASSERT_TRUE(value.ok()) << key << ": " << value.status().ToString();
        EXPECT_EQ(*value, expected->second);
      }
    }
  }
  // Opening must fail with Corruption whose message names `path`.
  void ExpectCorruptionNaming(const std::string& path) {
    Status opened = Open();
    EXPECT_EQ(opened.code(), StatusCode::kCorruption) << opened.ToString();
    EXPECT_NE(opened.message().find(path), std::string_view::npos) << opened.ToString();
  }
  static void FlipByte(const std::string& path, uint64_t offset) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.is_open()) << path;
    file.seekg(static_cast<std::streamoff>(offset));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(static_cast<std::streamoff>(offset));
    file.put(static_cast<char>(byte ^ 0x20));
  }

  std::map<std::string, std::string> model_;
};

TEST_P(LogStoreRecoveryTest, CheckpointRestoresTheIndexAndReplaysOnlyWhatFollows) {
  Populate();
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(store_->recovery().checkpoint_sequence, 1u);
  // 134 overwrites and a tombstone above the checkpoint; some overwrites of records in
  // the mutable region happen in place and append nothing.
  EXPECT_GT(store_->recovery().records_replayed, 50u);
  EXPECT_LE(store_->recovery().records_replayed, 135u);
  ExpectModel();
}

TEST_P(LogStoreRecoveryTest, WithoutACheckpointEveryRecordIsReplayed) {
  ASSERT_TRUE(Open(/*index_buckets=*/2).ok());
  for (int i = 0; i < 400; ++i) Write("k" + std::to_string(i), "v" + std::to_string(i));
  ASSERT_TRUE(Flush().ok());
  const uint64_t appended = store_->stats().appends;
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(store_->recovery().checkpoint_sequence, 0u);
  EXPECT_EQ(store_->recovery().records_replayed, appended);
  ExpectModel();
}

TEST_P(LogStoreRecoveryTest, IndexIsAtLeastAsFineAsTheOneRecordsWereLinkedUnder) {
  // The checkpoint holds a 2-bucket index; the 20,000 records after it grew the live
  // index many times. Replay must start from the size the pages record, or keys whose
  // chains were split by growth would be lost.
  ASSERT_TRUE(Open(/*index_buckets=*/2).ok());
  ASSERT_TRUE(Put("seed", "s").ok());
  ASSERT_TRUE(Checkpoint().ok());
  for (int i = 0; i < 20000; ++i) ASSERT_TRUE(Put("key:" + std::to_string(i), "v").ok());
  const uint64_t buckets = store_->index().bucket_count();
  ASSERT_GE(buckets, 2048u);
  ASSERT_TRUE(Flush().ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_GE(store_->index().bucket_count(), buckets);
  for (int i = 0; i < 20000; ++i) {
    auto value = Get("key:" + std::to_string(i));
    ASSERT_TRUE(value.ok()) << i << ": " << value.status().ToString();
  }
}

TEST_P(LogStoreRecoveryTest, StaleFilesOfUnfinishedCheckpointsAreRemoved) {
  Populate();
  // A crash after a snapshot file was written but before its manifest, and one in the
  // middle of writing a manifest.
  std::ofstream(Dir() + "/checkpoint.9.index") << "partial";
  std::ofstream(ManifestPath() + ".tmp") << "ferrite-checkpoint 1\nseq";
  ASSERT_TRUE(Open().ok());
  EXPECT_FALSE(std::filesystem::exists(Dir() + "/checkpoint.9.index"));
  EXPECT_FALSE(std::filesystem::exists(ManifestPath() + ".tmp"));
  EXPECT_TRUE(std::filesystem::exists(SnapshotPath()));
  ExpectModel();
}

TEST_P(LogStoreRecoveryTest, DamagedManifestIsReported) {
  Populate();
  FlipByte(ManifestPath(), 30);
  ExpectCorruptionNaming(ManifestPath());
  Populate();
  std::filesystem::resize_file(ManifestPath(), std::filesystem::file_size(ManifestPath()) - 5);
  ExpectCorruptionNaming(ManifestPath());
}

TEST_P(LogStoreRecoveryTest, DamagedIndexSnapshotIsReported) {
  Populate();
  const std::string snapshot = SnapshotPath();
  FlipByte(snapshot, std::filesystem::file_size(snapshot) / 2);
  ExpectCorruptionNaming(snapshot);
  Populate();
  std::filesystem::resize_file(snapshot, std::filesystem::file_size(snapshot) - 64);
  ExpectCorruptionNaming(snapshot);
  Populate();
  std::filesystem::remove(snapshot);
  ExpectCorruptionNaming(snapshot);
}

TEST_P(LogStoreRecoveryTest, DamagedSegmentFileIsReported) {
  Populate();
  // A flipped byte in a page below the checkpoint.
  const std::string segment = Dir() + "/log.1";
  FlipByte(segment, 100);
  ExpectCorruptionNaming(segment);
  // A segment file cut short below the checkpoint's durable tail.
  Populate();
  std::filesystem::resize_file(segment, 5000);
  ExpectCorruptionNaming(segment);
}

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreRecoveryTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
