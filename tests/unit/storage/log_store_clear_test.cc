// LogStore::Clear with each IoEngine: every key gone at once, lookups pending across the
// clear find nothing, later writes are kept, begin catches up with the cleared records,
// and reopening brings no cleared key back.
#include <gtest/gtest.h>

#include <string>

#include "storage/log_store_test_fixture.h"

namespace ferrite {
namespace {

class LogStoreClearTest : public LogStoreTest {
 protected:
  Status Clear() {
    return store_->RunSync<Status>([&](auto done) { store_->Clear(done); });
  }
  static std::string KeyOf(int key) { return "key:" + std::to_string(key); }
  size_t LiveKeys() {
    size_t count = 0;
    LogAddress cursor = 0;
    for (;;) {
      auto batch = store_->RunSync<Result<ScanBatch>>(
          [&](auto done) { store_->Scan(cursor, 1000, false, done); });
      EXPECT_TRUE(batch.ok());
      if (!batch.ok()) return count;
      count += batch->entries.size();
      if (batch->reached_tail) return count;
      cursor = batch->next;
    }
  }
};

TEST_P(LogStoreClearTest, EveryKeyGoesAndStaysGoneAfterReopen) {
  ASSERT_TRUE(Open(/*index_buckets=*/64).ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Put(KeyOf(i), std::string(100, 'v')).ok());
  ASSERT_TRUE(Checkpoint().ok());
  ASSERT_EQ(LiveKeys(), 100u);
  ASSERT_TRUE(Clear().ok());
  EXPECT_EQ(store_->stats().clears, 1u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Get(KeyOf(i)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LiveKeys(), 0u);
  EXPECT_EQ(Del(KeyOf(1)).code(), StatusCode::kNotFound);
  ASSERT_TRUE(Put(KeyOf(7), "after").ok());
  EXPECT_EQ(LiveKeys(), 1u);

  ASSERT_TRUE(Reopen().ok());
  for (int i = 0; i < 100; ++i) {
    if (i == 7) continue;
    EXPECT_EQ(Get(KeyOf(i)).status().code(), StatusCode::kNotFound) << KeyOf(i);
  }
  EXPECT_EQ(*Get(KeyOf(7)), "after");
  EXPECT_EQ(LiveKeys(), 1u);
}

TEST_P(LogStoreClearTest, AClearWithoutLaterWritesSurvivesReopen) {
  ASSERT_TRUE(Open().ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Put(KeyOf(i), std::string(200, 'v')).ok());
  ASSERT_TRUE(Clear().ok());
  ASSERT_TRUE(Open().ok());  // no flush: the clear's checkpoint must be enough
  for (int i = 0; i < 50; ++i) EXPECT_EQ(Get(KeyOf(i)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LiveKeys(), 0u);
}

TEST_P(LogStoreClearTest, LookupsPendingAcrossTheClearFindNothing) {
  ASSERT_TRUE(Open(/*index_buckets=*/64).ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Put(KeyOf(i), std::string(100, 'v')).ok());
  PushToDisk(6);
  std::optional<Result<std::string>> read;
  std::optional<Status> rmw;
  store_->Read(KeyOf(3), [&read](Result<std::string> value) { read = std::move(value); });
  store_->ReadModifyWrite(
      KeyOf(4),
      [](std::optional<std::string_view> old) -> std::optional<std::string> {
        return old.has_value() ? "had-value" : "fresh";
      },
      [&rmw](Status status) { rmw = status; });
  ASSERT_FALSE(read.has_value()) << "the key's record is on disk: the read is pending";
  std::optional<Status> cleared;
  store_->Clear([&cleared](Status status) { cleared = status; });
  while (!read.has_value() || !rmw.has_value() || !cleared.has_value()) store_->Wait();
  EXPECT_EQ(read->status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(rmw->ok());
  EXPECT_EQ(*Get(KeyOf(4)), "fresh");
  EXPECT_TRUE(cleared->ok());
  EXPECT_EQ(LiveKeys(), 1u);
}

TEST_P(LogStoreClearTest, BeginCatchesUpAndSegmentsGo) {
  ASSERT_TRUE(Open(/*index_buckets=*/64, /*memory_pages=*/4, /*compaction_trigger=*/0).ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Put(KeyOf(i), std::string(300, 'v')).ok());
  PushToDisk(8);
  const LogAddress tail = store_->log().tail();
  ASSERT_TRUE(Clear().ok());
  EXPECT_GE(store_->live_begin(), tail);
  PushToDisk(8);  // the cleared pages leave memory
  store_->Poll();
  EXPECT_EQ(store_->log().begin(), kGeometry.page_start(kGeometry.page_of(tail)));
  ASSERT_TRUE(Checkpoint().ok());
  EXPECT_EQ(store_->log().store().segment_files().count(0), 0u);
  ASSERT_TRUE(Reopen().ok());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Get(KeyOf(i)).status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreClearTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
