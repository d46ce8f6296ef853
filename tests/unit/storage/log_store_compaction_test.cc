// LogStore compaction with each IoEngine: live records survive and dead ones (overwritten,
// deleted, expired) go, the segment file is deleted once a checkpoint records the new
// begin, reopening starts there, and an overwrite-heavy workload keeps the log within a
// stated factor of its live data.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "storage/checkpoint_manifest.h"
#include "storage/key_hash.h"
#include "storage/log_store_test_fixture.h"

namespace ferrite {
namespace {

class LogStoreCompactionTest : public LogStoreTest {
 protected:
  std::string SegmentFile(uint64_t number) const {
    return dir_.Path("log") + "/log." + std::to_string(number);
  }
  // Runs the engine until no compaction (or its checkpoint) is running.
  void Settle() {
    while (store_->compaction_running() || store_->checkpoint_running()) store_->Wait();
  }
  std::string ValueOf(const std::string& key, int version) const {
    return key + "#" + std::to_string(version) + std::string(100, 'x');
  }
};

TEST_P(LogStoreCompactionTest, KeepsLiveRecordsDropsDeadOnesAndDeletesTheSegment) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  std::map<std::string, std::string> model;
  // Segment 0 (4 pages) fills with: keys that stay, keys overwritten later, keys
  // deleted later, and keys that expire.
  for (int i = 0; i < 40; ++i) {
    const std::string key = "k" + std::to_string(i);
    std::optional<int64_t> expiry;
    if (i % 4 == 3) expiry = now_ms_ + 1000;
    ASSERT_TRUE(Put(key, ValueOf(key, 0), expiry).ok());
    model[key] = ValueOf(key, 0);
  }
  for (int i = 0; i < 40; ++i) {
    const std::string key = "k" + std::to_string(i);
    if (i % 4 == 1) {
      ASSERT_TRUE(Put(key, ValueOf(key, 1)).ok());
      model[key] = ValueOf(key, 1);
    } else if (i % 4 == 2) {
      ASSERT_TRUE(Del(key).ok());
      model.erase(key);
    } else if (i % 4 == 3) {
      model.erase(key);
    }
  }
  now_ms_ += 5000;  // the i % 4 == 3 keys have expired
  PushToDisk(8);
  ASSERT_TRUE(Flush().ok());
  ASSERT_TRUE(std::filesystem::exists(SegmentFile(0)));
  const uint64_t segment_size = kGeometry.segment_size();

  ASSERT_TRUE(store_->CompactOldestSegment());
  EXPECT_FALSE(store_->CompactOldestSegment()) << "one pass at a time";
  Settle();
  const LogStoreStats& stats = store_->stats();
  EXPECT_EQ(stats.compacted_segments, 1u);
  EXPECT_EQ(stats.compaction_errors, 0u);
  EXPECT_EQ(store_->log().begin(), segment_size);
  // Ten keys were never touched again, and ten were overwritten in place (the same
  // size, while still mutable): exactly those twenty are copied.
  EXPECT_EQ(stats.compaction_copied, 20u);
  EXPECT_GE(stats.compaction_dropped, 20u);
  EXPECT_FALSE(std::filesystem::exists(SegmentFile(0)));
  auto manifest = ReadCheckpointManifest(dir_.Path("log"));
  ASSERT_TRUE(manifest.ok() && manifest->has_value());
  EXPECT_EQ((*manifest)->log_begin, segment_size);

  for (int i = 0; i < 40; ++i) {
    const std::string key = "k" + std::to_string(i);
    auto value = Get(key);
    if (model.count(key) != 0) {
      ASSERT_TRUE(value.ok()) << key << ": " << value.status().ToString();
      EXPECT_EQ(*value, model[key]);
    } else {
      EXPECT_EQ(value.status().code(), StatusCode::kNotFound) << key;
    }
  }
  // Reopened, the log begins after the deleted segment and every key still reads.
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(store_->log().begin(), segment_size);
  for (const auto& [key, value] : model) EXPECT_EQ(*Get(key), value);
}

TEST_P(LogStoreCompactionTest, OverwriteHeavyWorkloadStaysWithinAFactorOfLiveData) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/2.0).ok());
  constexpr int kKeys = 150;
  constexpr int kRounds = 60;
  uint64_t live_bytes = 0;
  uint64_t peak_log = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kKeys; ++i) {
      const std::string key = "key:" + std::to_string(i);
      ASSERT_TRUE(Put(key, ValueOf(key, round)).ok());
      store_->Poll();
      peak_log = std::max<uint64_t>(peak_log, store_->log().tail() - store_->log().begin());
    }
  }
  Settle();
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "key:" + std::to_string(i);
    live_bytes += RecordSize(key.size(), ValueOf(key, 0).size(), false);
  }
  const LogStoreStats& stats = store_->stats();
  const uint64_t written = stats.appends * (live_bytes / kKeys);
  const uint64_t segment = kGeometry.segment_size();
  std::printf(
      "[ compaction ] live %llu B, written %llu B, peak log %llu B (%.2fx live), "
      "%llu segments compacted, %llu copied, %llu dropped\n",
      static_cast<unsigned long long>(live_bytes), static_cast<unsigned long long>(written),
      static_cast<unsigned long long>(peak_log),
      static_cast<double>(peak_log) / static_cast<double>(live_bytes),
      static_cast<unsigned long long>(stats.compacted_segments),
      static_cast<unsigned long long>(stats.compaction_copied),
      static_cast<unsigned long long>(stats.compaction_dropped));
  EXPECT_GT(stats.compacted_segments, 10u);
  EXPECT_EQ(stats.compaction_errors, 0u);
  // The stated bound (writes stall past it): the trigger's factor of the live data,
  // plus two segments of room for the pass, plus the page an append may open.
  EXPECT_LE(peak_log, 2 * live_bytes + 2 * segment + kGeometry.page_size());
  // Segment files on disk cover only [begin, tail).
  uint64_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Path("log"))) {
    if (entry.path().filename().string().starts_with("log.")) ++files;
  }
  EXPECT_LE(files, (store_->log().tail() - store_->log().begin()) / segment + 2);
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "key:" + std::to_string(i);
    EXPECT_EQ(*Get(key), ValueOf(key, kRounds - 1));
  }
  ASSERT_TRUE(Reopen().ok());
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "key:" + std::to_string(i);
    ASSERT_EQ(*Get(key), ValueOf(key, kRounds - 1));
  }
}

TEST_P(LogStoreCompactionTest, NothingToCompactWhileTheOldestSegmentIsInMemory) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/8, /*compaction_trigger=*/0).ok());
  ASSERT_TRUE(Put("a", "1").ok());
  EXPECT_FALSE(store_->CompactOldestSegment());
  EXPECT_EQ(store_->stats().compacted_segments, 0u);
}

TEST_P(LogStoreCompactionTest, ReadPendingWhileItsRecordIsCompactedAwayStartsAgain) {
  InjectFaults();
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  // Longer than the first read of a record on disk: the walk needs a second read.
  const std::string value(1500, 'v');
  ASSERT_TRUE(Put("cold", value).ok());
  const LogAddress address = store_->index().Find(HashKey("cold"));
  PushToDisk(8);
  ASSERT_TRUE(Flush().ok());
  // The read's first I/O is held while compaction copies the record forward and moves
  // begin past it; when the I/O completes, the old address is gone.
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Reads(), .max_fires = 1},
                    .action = FaultAction::DelayFor(std::chrono::milliseconds(300))});
  std::optional<Result<std::string>> read;
  store_->Read("cold", [&](Result<std::string> result) { read = std::move(result); });
  ASSERT_FALSE(read.has_value());
  ASSERT_TRUE(store_->CompactOldestSegment());
  Settle();
  ASSERT_GT(store_->log().begin(), address);
  ASSERT_FALSE(read.has_value()) << "the held read completed before compaction ended";
  while (!read.has_value()) store_->Wait();
  ASSERT_TRUE(read->ok()) << read->status().ToString();
  EXPECT_EQ(**read, value);
  EXPECT_GE(store_->stats().lookup_restarts, 1u);
  EXPECT_EQ(store_->stats().compaction_copied, 1u);
}

TEST_P(LogStoreCompactionTest, ReadErrorStopsCompactionWithoutMovingBegin) {
  InjectFaults();
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(Put("k" + std::to_string(i), ValueOf("k", i)).ok());
  PushToDisk(8);
  ASSERT_TRUE(Flush().ok());
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Reads(), .max_fires = 1},
                    .action = FaultAction::Error(EIO)});
  ASSERT_TRUE(store_->CompactOldestSegment());
  Settle();
  EXPECT_EQ(store_->stats().compaction_errors, 1u);
  EXPECT_EQ(store_->stats().compacted_segments, 0u);
  EXPECT_EQ(store_->log().begin(), 0u);
  faults_->ClearRules();
  for (int i = 0; i < 40; ++i) EXPECT_EQ(*Get("k" + std::to_string(i)), ValueOf("k", i));
}

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreCompactionTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
