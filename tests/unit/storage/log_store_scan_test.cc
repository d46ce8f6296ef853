// LogStore::Scan with each IoEngine on a store whose records are mostly on disk: every
// live key exactly once when nothing changes, overwritten, deleted and expired records
// left out, any batch size, concurrent scans, and every key that stays live returned at
// least once while writes and compaction run between and during the steps.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/log_store_test_fixture.h"

namespace ferrite {
namespace {

class LogStoreScanTest : public LogStoreTest {
 protected:
  Result<ScanBatch> Step(LogAddress from, size_t max_records, bool with_values = true) {
    return store_->RunSync<Result<ScanBatch>>(
        [&](auto done) { store_->Scan(from, max_records, with_values, done); });
  }
  // Every step from the start to the tail; fails the test on an error.
  std::vector<ScanEntry> ScanAll(size_t max_records) {
    std::vector<ScanEntry> all;
    LogAddress cursor = 0;
    for (;;) {
      Result<ScanBatch> batch = Step(cursor, max_records);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok()) return all;
      for (ScanEntry& entry : batch->entries) all.push_back(std::move(entry));
      if (batch->reached_tail) return all;
      EXPECT_GT(batch->next, cursor) << "a step must make progress";
      cursor = batch->next;
    }
  }
  static std::string ValueOf(int key, int version) {
    return "v" + std::to_string(key) + "." + std::to_string(version) + std::string(80, 'x');
  }
  static std::string KeyOf(int key) { return "key:" + std::to_string(key); }

  // 300 keys: a third overwritten later (not in place: the first versions are on disk by
  // then), every tenth deleted, every seventh expired; most records below the head.
  std::map<std::string, std::string> FillWithHistory() {
    std::map<std::string, std::string> model;
    for (int i = 0; i < 300; ++i) {
      std::optional<int64_t> expiry;
      if (i % 7 == 0) expiry = now_ms_ + 1000;
      EXPECT_TRUE(Put(KeyOf(i), ValueOf(i, 0), expiry).ok());
      model[KeyOf(i)] = ValueOf(i, 0);
    }
    for (int i = 0; i < 300; ++i) {
      if (i % 3 == 0) {
        EXPECT_TRUE(Put(KeyOf(i), ValueOf(i, 1)).ok());
        model[KeyOf(i)] = ValueOf(i, 1);
      }
      if (i % 10 == 0) {
        EXPECT_TRUE(Del(KeyOf(i)).ok());
        model.erase(KeyOf(i));
      }
    }
    now_ms_ += 5000;
    for (int i = 0; i < 300; ++i) {
      if (i % 7 == 0 && i % 3 != 0 && i % 10 != 0) model.erase(KeyOf(i));
    }
    return model;
  }
};

TEST_P(LogStoreScanTest, EmptyStoreReachesTheTailAtOnce) {
  ASSERT_TRUE(Open().ok());
  Result<ScanBatch> batch = Step(0, 10);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->entries.empty());
  EXPECT_TRUE(batch->reached_tail);
}

TEST_P(LogStoreScanTest, ReturnsEveryLiveKeyExactlyOnceWithAnyStepSize) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  const std::map<std::string, std::string> model = FillWithHistory();
  ASSERT_LT(store_->log().head(), store_->log().tail());
  ASSERT_GT(store_->log().head(), store_->log().tail() / 2) << "most records on disk";
  for (size_t step : {size_t{1}, size_t{7}, size_t{64}, size_t{100000}}) {
    std::vector<ScanEntry> entries = ScanAll(step);
    std::map<std::string, std::string> seen;
    LogAddress previous = 0;
    for (const ScanEntry& entry : entries) {
      EXPECT_TRUE(seen.emplace(entry.key, entry.value).second) << "twice: " << entry.key;
      EXPECT_GT(entry.address, previous) << "address order";
      previous = entry.address;
    }
    EXPECT_EQ(seen, model) << "step " << step;
  }
  EXPECT_GT(store_->stats().scan_pages_read, 0u);
}

TEST_P(LogStoreScanTest, ReportsExpiryAndCanLeaveValuesOut) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("a", "1", now_ms_ + 60'000).ok());
  ASSERT_TRUE(Put("b", "2").ok());
  Result<ScanBatch> batch = Step(0, 10, /*with_values=*/false);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->entries.size(), 2u);
  EXPECT_EQ(batch->entries[0].key, "a");
  EXPECT_EQ(batch->entries[0].expiry_ms, now_ms_ + 60'000);
  EXPECT_EQ(batch->entries[0].value, "");
  EXPECT_EQ(batch->entries[1].expiry_ms, std::nullopt);
}

TEST_P(LogStoreScanTest, ConcurrentScansSeeTheSameKeys) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  const std::map<std::string, std::string> model = FillWithHistory();
  struct Walk {
    LogAddress cursor = 0;
    bool done = false;
    bool in_flight = false;
    std::set<std::string> keys;
  };
  std::vector<Walk> walks(3);
  const size_t steps[] = {5, 13, 40};
  while (true) {
    bool all_done = true;
    for (size_t w = 0; w < walks.size(); ++w) {
      Walk& walk = walks[w];
      if (walk.done) continue;
      all_done = false;
      if (walk.in_flight) continue;
      walk.in_flight = true;
      store_->Scan(walk.cursor, steps[w], false, [&walk](Result<ScanBatch> batch) {
        ASSERT_TRUE(batch.ok());
        for (const ScanEntry& entry : batch->entries) walk.keys.insert(entry.key);
        walk.cursor = batch->next;
        walk.done = batch->reached_tail;
        walk.in_flight = false;
      });
    }
    if (all_done) break;
    store_->Wait();
  }
  for (const Walk& walk : walks) {
    EXPECT_EQ(walk.keys.size(), model.size());
    for (const auto& [key, value] : model) EXPECT_TRUE(walk.keys.contains(key)) << key;
  }
}

TEST_P(LogStoreScanTest, KeysLiveThroughoutAreSeenWhileWritesAndCompactionRun) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  // Stable keys exist for the whole scan (overwritten, never deleted); churn keys come
  // and go.
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(Put(KeyOf(i), ValueOf(i, 0)).ok());
  PushToDisk(20);
  std::set<std::string> seen;
  LogAddress cursor = 0;
  int round = 0;
  uint64_t compactions = 0;
  for (bool done = false; !done; ++round) {
    std::optional<Result<ScanBatch>> result;
    store_->Scan(cursor, 9, false, [&result](Result<ScanBatch> batch) { result = batch; });
    // Writes issued while the step may be waiting for its page or probes.
    const int stable = (round * 17) % 200;
    int pending = 3;
    auto count_down = [&pending](Status status) {
      EXPECT_TRUE(status.ok() || status.code() == StatusCode::kNotFound);
      --pending;
    };
    store_->Upsert(KeyOf(stable), ValueOf(stable, round), std::nullopt, count_down);
    store_->Upsert("churn:" + std::to_string(round), std::string(300, 'c'), std::nullopt,
                   count_down);
    store_->Delete("churn:" + std::to_string(round - 1), count_down);
    while (!result.has_value() || pending > 0) store_->Wait();
    ASSERT_TRUE(result->ok()) << result->status().ToString();
    for (const ScanEntry& entry : (*result)->entries) seen.insert(entry.key);
    cursor = (*result)->next;
    done = (*result)->reached_tail;
    if (round % 5 == 0 && store_->CompactOldestSegment()) ++compactions;
    if (round % 20 == 0) PushToDisk(1);
    ASSERT_LT(round, 100000);
  }
  while (store_->compaction_running() || store_->checkpoint_running()) store_->Wait();
  EXPECT_GT(compactions, 0u);
  EXPECT_GT(store_->stats().compacted_segments, 0u);
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(seen.contains(KeyOf(i))) << KeyOf(i);
}

TEST_P(LogStoreScanTest, ACursorBelowBeginContinuesFromBegin) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(Put(KeyOf(i), ValueOf(i, 0)).ok());
  PushToDisk(8);
  ASSERT_TRUE(Flush().ok());
  Result<ScanBatch> first = Step(0, 3);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store_->CompactOldestSegment());
  while (store_->compaction_running() || store_->checkpoint_running()) store_->Wait();
  ASSERT_GT(store_->log().begin(), first->next);
  std::set<std::string> seen;
  for (const ScanEntry& entry : first->entries) seen.insert(entry.key);
  LogAddress cursor = first->next;
  for (;;) {
    Result<ScanBatch> batch = Step(cursor, 50);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    for (const ScanEntry& entry : batch->entries) {
      EXPECT_GE(entry.address, store_->log().begin());
      seen.insert(entry.key);
    }
    if (batch->reached_tail) break;
    cursor = batch->next;
  }
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(seen.contains(KeyOf(i))) << KeyOf(i);
}

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreScanTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
