// LogStore on real files with each IoEngine, with a small geometry so that most records
// live on disk: in-place updates and appends, tombstones, expiry, chains that mix keys on
// disk, corrupt records, a model-based randomized run with checkpoints (some while
// operations are in flight), reopens and index growth, and injected read and write
// failures.
#include "storage/log_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/engine_factory.h"
#include "io/fault_injecting_engine.h"
#include "io/temp_dir.h"
#include "storage/key_hash.h"
#include "storage/log_store_test_fixture.h"
#include "storage/record.h"

namespace ferrite {
namespace {

TEST_P(LogStoreTest, ReopenFindsEveryKeyAfterTheIndexGrewManyTimes) {
  // Chains on disk were linked under the fine-grained index the store had grown to; an
  // index rebuilt coarser would merge chains that never met and lose keys.
  ASSERT_TRUE(Open(/*index_buckets=*/2, /*memory_pages=*/4).ok());
  const int keys = 30000;
  for (int i = 0; i < keys; ++i) {
    ASSERT_TRUE(Put("key:" + std::to_string(i), "v" + std::to_string(i)).ok()) << i;
  }
  EXPECT_GE(store_->index().bucket_count(), 4096u);
  ASSERT_TRUE(Reopen().ok());
  for (int i = 0; i < keys; ++i) {
    auto value = Get("key:" + std::to_string(i));
    ASSERT_TRUE(value.ok()) << "key:" << i << " " << value.status().ToString();
    ASSERT_EQ(*value, "v" + std::to_string(i));
  }
}

TEST_P(LogStoreTest, InPlaceUpdateAndAppend) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("k", "value-1").ok());
  EXPECT_EQ(store_->stats().appends, 1u);
  ASSERT_TRUE(Put("k", "value-2").ok());  // same padded size, mutable: in place
  EXPECT_EQ(store_->stats().in_place_updates, 1u);
  EXPECT_EQ(*Get("k"), "value-2");
  ASSERT_TRUE(Put("k", "a much longer value").ok());  // larger: appended
  EXPECT_EQ(store_->stats().appends, 2u);
  EXPECT_EQ(*Get("k"), "a much longer value");
  EXPECT_EQ(store_->stats().found_mutable, 2u);
  // Once the record is read-only, an update of the same size appends.
  PushToDisk(1);
  ASSERT_TRUE(Put("k", "a much longer valuf").ok());
  EXPECT_EQ(*Get("k"), "a much longer valuf");
  EXPECT_EQ(Put("big", std::string(5000, 'x')).code(), StatusCode::kInvalidArgument);
}

TEST_P(LogStoreTest, TombstonesAndDeleteCount) {
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(Del("k").code(), StatusCode::kNotFound);
  ASSERT_TRUE(Put("k", "v").ok());
  EXPECT_TRUE(Del("k").ok());
  EXPECT_EQ(Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Del("k").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->stats().tombstones, 1u);
  // The tombstone on disk still hides the older value.
  PushToDisk();
  EXPECT_EQ(Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Del("k").code(), StatusCode::kNotFound);
  ASSERT_TRUE(Put("k", "again").ok());
  EXPECT_EQ(*Get("k"), "again");
}

TEST_P(LogStoreTest, ExpiredRecordsReadAsMissing) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("k", "v", now_ms_ + 1000).ok());
  ASSERT_TRUE(Put("cold", "c", now_ms_ + 1000).ok());
  PushToDisk();
  ASSERT_TRUE(Put("k", "w", now_ms_ + 1000).ok());
  EXPECT_EQ(*Get("k"), "w");
  EXPECT_EQ(*Get("cold"), "c");
  now_ms_ += 1000;
  EXPECT_EQ(Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Get("cold").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Del("cold").code(), StatusCode::kNotFound);
  std::optional<std::string> seen = "unset";
  ASSERT_TRUE(Rmw("k", [&](std::optional<std::string_view> old) {
                seen = old.has_value() ? std::optional<std::string>(old) : std::nullopt;
                return std::string("fresh");
              }).ok());
  EXPECT_FALSE(seen.has_value());
  EXPECT_EQ(*Get("k"), "fresh");  // no expiry carried over from an expired record
  EXPECT_GE(store_->stats().expired, 3u);
}

TEST_P(LogStoreTest, ReadEntryGivesTheValueWithItsExpiry) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("timed", "t", now_ms_ + 700).ok());
  ASSERT_TRUE(Put("plain", "p", std::nullopt).ok());
  auto entry = [&](std::string_view key) {
    return store_->RunSync<Result<StoredEntry>>(
        [&](auto done) { store_->ReadEntry(key, done); });
  };
  for (int pass = 0; pass < 2; ++pass) {  // in memory, then from disk
    Result<StoredEntry> timed = entry("timed");
    ASSERT_TRUE(timed.ok());
    EXPECT_EQ(timed->value, "t");
    EXPECT_EQ(timed->expiry_ms, now_ms_ + 700);
    Result<StoredEntry> plain = entry("plain");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->value, "p");
    EXPECT_FALSE(plain->expiry_ms.has_value());
    EXPECT_EQ(entry("missing").status().code(), StatusCode::kNotFound);
    PushToDisk();
  }
  EXPECT_GT(store_->stats().found_disk, 0u);
  now_ms_ += 700;
  EXPECT_EQ(entry("timed").status().code(), StatusCode::kNotFound);
}

TEST_P(LogStoreTest, ReadModifyWriteKeepsExpiry) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("n", "41", now_ms_ + 500).ok());
  PushToDisk();
  ASSERT_TRUE(Rmw("n", [](std::optional<std::string_view> old) {
                return std::to_string(std::stoi(std::string(*old)) + 1);
              }).ok());
  EXPECT_EQ(*Get("n"), "42");
  ASSERT_TRUE(Rmw("n", [](auto) { return std::nullopt; }).ok());  // declined
  EXPECT_EQ(*Get("n"), "42");
  now_ms_ += 500;
  EXPECT_EQ(Get("n").status().code(), StatusCode::kNotFound);
}

TEST_P(LogStoreTest, ReadModifyWriteCanReplaceExpiry) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("n", "v", now_ms_ + 500).ok());
  PushToDisk();
  auto keep = [](std::optional<std::string_view> old) -> std::optional<std::string> {
    if (!old.has_value()) return std::nullopt;
    return std::string(*old);
  };
  auto rmw = [&](std::optional<int64_t> expiry) {
    return store_->RunSync<Status>(
        [&](auto done) { store_->ReadModifyWrite("n", keep, expiry, done); });
  };
  ASSERT_TRUE(rmw(now_ms_ + 2000).ok());  // from disk: appended with the new expiry
  now_ms_ += 1000;
  EXPECT_EQ(*Get("n"), "v");
  ASSERT_TRUE(rmw(std::nullopt).ok());  // in memory: no expiry at all
  now_ms_ += 5000;
  EXPECT_EQ(*Get("n"), "v");
  ASSERT_TRUE(rmw(now_ms_).ok());
  EXPECT_EQ(Get("n").status().code(), StatusCode::kNotFound);
}

// A write that lands while a read-modify-write of the same key is pending makes it
// redo its read: the update sees the newer value.
TEST_P(LogStoreTest, PendingReadModifyWriteSeesConcurrentWrite) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("k", "cold").ok());
  PushToDisk();
  std::vector<std::string> seen;
  std::optional<Status> rmw;
  store_->ReadModifyWrite(
      "k",
      [&](std::optional<std::string_view> old) {
        seen.emplace_back(old.value_or("<none>"));
        return std::string(old.value_or("")) + "+1";
      },
      [&](Status status) { rmw = std::move(status); });
  ASSERT_FALSE(rmw.has_value()) << "the read should be pending";
  ASSERT_TRUE(Put("k", "hot").ok());
  while (!rmw.has_value()) store_->Wait();
  ASSERT_TRUE(rmw->ok()) << rmw->ToString();
  EXPECT_EQ(*Get("k"), "hot+1");
  EXPECT_EQ(seen.back(), "hot");
  EXPECT_GE(store_->stats().lookup_restarts, 1u);
}

// Two keys with the same tag and low hash bits share one chain: the walk for the older
// one reads the newer one's record from disk, sees another key, and follows it.
TEST_P(LogStoreTest, PendingChainSkipsOtherKeysOnDisk) {
  std::map<uint64_t, std::string> seen;
  std::string first;
  std::string second;
  for (int i = 0; second.empty(); ++i) {
    std::string key = "chain:" + std::to_string(i) + std::string(200, 'k');
    uint64_t hash = HashKey(key);
    uint64_t slot = (uint64_t{IndexEntry::TagOf(hash)} << 8) | (hash & 0xFF);
    auto [it, inserted] = seen.emplace(slot, key);
    if (!inserted) {
      first = it->second;
      second = key;
    }
  }
  ASSERT_TRUE(Open(/*index_buckets=*/2).ok());
  ASSERT_TRUE(Put(first, "one").ok());
  ASSERT_TRUE(Put(second, "two").ok());
  PushToDisk();
  uint64_t reads_before = store_->stats().disk_reads;
  EXPECT_EQ(*Get(first), "one");
  EXPECT_GE(store_->stats().disk_reads - reads_before, 2u);
  EXPECT_EQ(*Get(second), "two");
  EXPECT_EQ(Get(second + "x").status().code(), StatusCode::kNotFound);
  // The same after a reopen, which rebuilds the chains from the log.
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(*Get(first), "one");
  EXPECT_EQ(*Get(second), "two");
  EXPECT_GE(store_->stats().found_disk, 2u);
}

TEST_P(LogStoreTest, PendingReadsGoInOneSubmission) {
  ASSERT_TRUE(Open().ok());
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(Put("cold" + std::to_string(i), "v").ok());
  PushToDisk();
  ASSERT_TRUE(Flush().ok());
  ASSERT_EQ(engine_->in_flight(), 0u);
  const uint64_t submits = engine_->stats().submit_calls;
  int done = 0;
  for (int i = 0; i < 16; ++i) {
    store_->Read("cold" + std::to_string(i), [&done](Result<std::string> value) {
      EXPECT_TRUE(value.ok() && *value == "v");
      ++done;
    });
  }
  // Sixteen reads prepared, none handed to the kernel yet; the next Poll() submits all.
  EXPECT_EQ(engine_->in_flight(), 16u);
  EXPECT_EQ(engine_->stats().submit_calls, submits);
  store_->Poll();
  EXPECT_EQ(engine_->stats().submit_calls, submits + 1);
  while (done < 16) store_->Wait();
}

TEST_P(LogStoreTest, CorruptRecordOnDiskIsCorruption) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Put("victim", "value").ok());
  LogAddress address = store_->index().Find(HashKey("victim"));
  PushToDisk();
  ASSERT_TRUE(Flush().ok());
  ASSERT_LT(address, store_->log().head());
  const std::string path = store_->log().store().SegmentPath(kGeometry.segment_of(address));
  const auto offset = static_cast<std::streamoff>(kGeometry.offset_in_segment(address));
  auto xor_byte = [&](std::streamoff at, char mask) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.is_open());
    file.seekg(offset + at);
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(offset + at);
    file.put(static_cast<char>(byte ^ mask));
  };
  // Header byte 6 holds the value kind in bits 3-4: kind 3 is not defined.
  xor_byte(6, 0x18);
  auto read = Get("victim");
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption) << read.status().ToString();
  // A value length (bytes 8-11) past the page: still Corruption, never garbage.
  xor_byte(6, 0x18);
  xor_byte(11, 0x7F);
  read = Get("victim");
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption) << read.status().ToString();
}

// ---- Model-based randomized run

std::string RandomBytes(std::mt19937_64& rng, size_t size) {
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

class ModelRun {
 public:
  explicit ModelRun(uint64_t seed) : rng_(seed) {
    for (int i = 0; i < 2000; ++i) {
      keys_.push_back(i % 3 == 0 ? RandomBytes(rng_, 1 + rng_() % 24) : "key:" + std::to_string(i));
    }
  }
  const std::string& Key() {
    // Skewed: a fifth of the picks go to 20 hot keys.
    size_t index = rng_() % 5 == 0 ? rng_() % 20 : rng_() % keys_.size();
    return keys_[index];
  }
  std::string Value() {
    switch (rng_() % 4) {
      case 0:
        return std::string(8, static_cast<char>('a' + rng_() % 26));  // same-size rewrites
      case 1:
        return RandomBytes(rng_, rng_() % 1001);
      default:
        return RandomBytes(rng_, rng_() % 120);
    }
  }
  std::mt19937_64& rng() { return rng_; }

  // The RMW of the run: appends a byte, declines past 900 bytes.
  static std::optional<std::string> Append(std::optional<std::string_view> old) {
    std::string value(old.value_or(""));
    if (value.size() > 900) return std::nullopt;
    value.push_back(static_cast<char>('0' + value.size() % 10));
    return value;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> keys_;
};

TEST_P(LogStoreTest, MatchesModelUnderRandomOperations) {
  const uint64_t seed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(seed));
  ModelRun run(seed);
  auto& rng = run.rng();
  std::unordered_map<std::string, std::string> model;
  ASSERT_TRUE(Open(/*index_buckets=*/2).ok());
  auto start = std::chrono::steady_clock::now();
  int reopens = 0;
  int checkpoints = 0;
  int reopens_from_checkpoint = 0;
  LogStoreStats totals;
  auto add_stats = [&] {
    const LogStoreStats& stats = store_->stats();
    totals.disk_reads += stats.disk_reads;
    totals.pending_lookups += stats.pending_lookups;
    totals.in_place_updates += stats.in_place_updates;
    totals.appends += stats.appends;
    totals.busy_waits += stats.busy_waits;
    totals.lookup_restarts += stats.lookup_restarts;
    totals.compacted_segments += stats.compacted_segments;
    totals.compaction_copied += stats.compaction_copied;
    totals.compaction_stalls += stats.compaction_stalls;
  };
  constexpr int kSteps = 6000;
  for (int step = 0; step < kSteps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    if (rng() % 700 == 0) {
      // Reopen after a checkpoint (index snapshot + replay) or after a bare flush (full
      // replay, or replay above the last checkpoint).
      add_stats();
      if (rng() % 2 == 0) {
        ASSERT_TRUE(Checkpoint().ok());
        ++checkpoints;
      }
      ASSERT_TRUE(Reopen().ok());
      ++reopens;
      if (store_->recovery().checkpoint_sequence > 0) ++reopens_from_checkpoint;
    }
    // A checkpoint that runs while the batch's operations are in flight.
    std::optional<Status> checkpointed;
    if (rng() % 150 == 0) {
      Status started = store_->Checkpoint([&](Status status) { checkpointed = status; });
      ASSERT_TRUE(started.ok()) << started.ToString();
      ++checkpoints;
    }
    // A batch of operations in flight at once, on distinct keys, so each one's expected
    // result follows from the model as it was when the batch began.
    size_t batch = 1 + rng() % 16;
    std::unordered_map<std::string, bool> used;
    std::vector<std::function<void()>> checks;
    int completed = 0;
    int issued = 0;
    for (size_t i = 0; i < batch; ++i) {
      const std::string key = run.Key();
      if (!used.emplace(key, true).second) continue;
      ++issued;
      auto found = model.find(key);
      std::optional<std::string> expected =
          found == model.end() ? std::nullopt : std::optional<std::string>(found->second);
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {  // read
          store_->Read(key, [&completed, expected, key](Result<std::string> result) {
            ++completed;
            if (expected.has_value()) {
              ASSERT_TRUE(result.ok()) << result.status().ToString();
              EXPECT_EQ(*result, *expected);
            } else {
              EXPECT_EQ(result.status().code(), StatusCode::kNotFound)
                  << (result.ok() ? "got a value" : result.status().ToString());
            }
          });
          break;
        }
        case 3:
        case 4: {  // upsert
          std::string value = run.Value();
          model[key] = value;
          store_->Upsert(key, value, std::nullopt, [&completed](Status status) {
            ++completed;
            EXPECT_TRUE(status.ok()) << status.ToString();
          });
          break;
        }
        case 5: {  // delete
          model.erase(key);
          store_->Delete(key, [&completed, expected](Status status) {
            ++completed;
            EXPECT_EQ(status.code(),
                      expected.has_value() ? StatusCode::kOk : StatusCode::kNotFound);
          });
          break;
        }
        default: {  // read-modify-write
          auto next = ModelRun::Append(expected);
          if (next.has_value()) model[key] = *next;
          store_->ReadModifyWrite(key, &ModelRun::Append, [&completed](Status status) {
            ++completed;
            EXPECT_TRUE(status.ok()) << status.ToString();
          });
          break;
        }
      }
    }
    while (completed < issued) store_->Wait();
    while (store_->checkpoint_running()) store_->Wait();
    if (checkpointed.has_value()) {
      ASSERT_TRUE(checkpointed->ok()) << checkpointed->ToString();
    }
    ASSERT_FALSE(HasFailure());
    // A compaction pass runs across batches; only its copies may be outstanding.
    if (!store_->compaction_running()) {
      ASSERT_EQ(store_->outstanding(), 0u);
    }
  }
  // Everything, once more, after a final reopen.
  add_stats();
  ASSERT_TRUE(Reopen().ok());
  for (const auto& [key, value] : model) {
    auto read = Get(key);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(*read, value);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const LogStoreStats& stats = totals;
  std::printf(
      "[ model ] %d steps, %d reopens (%d from a checkpoint), %d checkpoints, %.2fs; index %llu "
      "buckets; disk reads %llu, "
      "pending lookups %llu (%.2f reads each), in place %llu, appends %llu, busy %llu, "
      "restarts %llu; %llu segments compacted, %llu records copied, %llu stalls\n",
      kSteps, reopens, reopens_from_checkpoint, checkpoints, seconds,
      static_cast<unsigned long long>(store_->index().bucket_count()),
      static_cast<unsigned long long>(stats.disk_reads),
      static_cast<unsigned long long>(stats.pending_lookups), stats.disk_reads_per_pending_lookup(),
      static_cast<unsigned long long>(stats.in_place_updates),
      static_cast<unsigned long long>(stats.appends),
      static_cast<unsigned long long>(stats.busy_waits),
      static_cast<unsigned long long>(stats.lookup_restarts),
      static_cast<unsigned long long>(stats.compacted_segments),
      static_cast<unsigned long long>(stats.compaction_copied),
      static_cast<unsigned long long>(stats.compaction_stalls));
  EXPECT_GT(stats.pending_lookups, 0u);
  EXPECT_GT(stats.compacted_segments, 0u);
  EXPECT_GT(stats.compaction_copied, 0u);
  EXPECT_GT(stats.in_place_updates, 0u);
  EXPECT_GT(store_->index().bucket_count(), 2u);
  EXPECT_GT(reopens, 0);
  EXPECT_GT(reopens_from_checkpoint, 0);
  EXPECT_GT(checkpoints, 10);
}

// A model run through the fault-injecting engine: every transfer split into pieces,
// completions delayed and reordered, and a share of the reads failing. A read, delete
// or read-modify-write may fail with the I/O error (and then changes nothing); no
// operation may return a wrong value, and nothing acknowledged may be lost across
// checkpoints, compaction and reopens.
TEST_P(LogStoreTest, MatchesModelWithInjectedFaults) {
  const uint64_t seed = 77031;
  SCOPED_TRACE("seed " + std::to_string(seed));
  InjectFaults(seed);
  bool read_errors = true;
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Transfers(), .probability = 0.5},
                    .action = FaultAction::ShortTransfer(3, 512)});
  faults_->AddRule({.match = {.probability = 0.3}, .action = FaultAction::DelayPolls(1, 4)});
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Reads(),
                              .predicate = [&read_errors](const IoRequest&) { return read_errors; },
                              .probability = 0.05},
                    .action = FaultAction::Error(EIO)});
  ModelRun run(seed);
  auto& rng = run.rng();
  std::unordered_map<std::string, std::string> model;
  ASSERT_TRUE(Open(/*index_buckets=*/2).ok());
  int failed = 0;
  int reopens = 0;
  constexpr int kSteps = 3000;
  for (int step = 0; step < kSteps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    if (rng() % 400 == 0) {
      // Recovery reads every page: with failing reads it would fail (and say so), so
      // the reads behave while the store reopens.
      read_errors = false;
      if (rng() % 2 == 0) {
        ASSERT_TRUE(Checkpoint().ok());
      }
      ASSERT_TRUE(Reopen().ok());
      read_errors = true;
      ++reopens;
    }
    const std::string key = run.Key();
    auto found = model.find(key);
    std::optional<std::string> expected =
        found == model.end() ? std::nullopt : std::optional<std::string>(found->second);
    switch (rng() % 6) {
      case 0:
      case 1: {
        auto read = Get(key);
        if (!read.ok() && read.status().code() == StatusCode::kIoError) {
          ++failed;
        } else if (expected.has_value()) {
          ASSERT_TRUE(read.ok()) << read.status().ToString();
          ASSERT_EQ(*read, *expected);
        } else {
          ASSERT_EQ(read.status().code(), StatusCode::kNotFound);
        }
        break;
      }
      case 2:
      case 3: {
        const std::string value = run.Value();
        ASSERT_TRUE(Put(key, value).ok());
        model[key] = value;
        break;
      }
      case 4: {
        Status deleted = Del(key);
        if (deleted.code() == StatusCode::kIoError) {
          ++failed;
        } else {
          ASSERT_EQ(deleted.code(), expected ? StatusCode::kOk : StatusCode::kNotFound);
          model.erase(key);
        }
        break;
      }
      default: {
        Status updated = Rmw(key, &ModelRun::Append);
        if (updated.code() == StatusCode::kIoError) {
          ++failed;
        } else {
          ASSERT_TRUE(updated.ok()) << updated.ToString();
          if (auto next = ModelRun::Append(expected)) model[key] = *next;
        }
        break;
      }
    }
    store_->Poll();
  }
  read_errors = false;
  ASSERT_TRUE(Reopen().ok());
  for (const auto& [key, value] : model) {
    auto read = Get(key);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(*read, value);
  }
  const FaultCounters& counters = faults_->counters();
  std::printf(
      "[ faults ] %d steps, %d reopens, %d operations failed; injected %llu errors, "
      "%llu split transfers, %llu delays\n",
      kSteps, reopens, failed, static_cast<unsigned long long>(counters.errors),
      static_cast<unsigned long long>(counters.short_transfers),
      static_cast<unsigned long long>(counters.delays));
  EXPECT_GT(failed, 10);
  EXPECT_GT(counters.short_transfers, 100u);
  EXPECT_GT(reopens, 2);
}

// ---- Injected failures

TEST_P(LogStoreTest, InjectedReadErrorsFailOnlyThatOperation) {
  InjectFaults();
  ASSERT_TRUE(Open().ok());
  std::unordered_map<std::string, std::string> model;
  for (int i = 0; i < 200; ++i) {
    std::string key = "k" + std::to_string(i);
    model[key] = std::string(100 + i % 50, static_cast<char>('a' + i % 26));
    ASSERT_TRUE(Put(key, model[key]).ok());
  }
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Reads(), .probability = 0.3},
                    .action = FaultAction::Error(EIO)});
  int errors = 0;
  for (const auto& [key, value] : model) {
    auto read = Get(key);
    if (read.ok()) {
      EXPECT_EQ(*read, value);
    } else {
      EXPECT_EQ(read.status().code(), StatusCode::kIoError) << read.status().ToString();
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
  faults_->ClearRules();
  for (const auto& [key, value] : model) EXPECT_EQ(*Get(key), value);
}

TEST_P(LogStoreTest, FlushFailureSurfacesAsErrors) {
  InjectFaults();
  ASSERT_TRUE(Open().ok());
  std::unordered_map<std::string, std::string> model;
  faults_->AddRule(
      {.match = {.opcodes = IoOpcodeSet::Writes(), .first = 3}, .action = FaultAction::Error(EIO)});
  Status failure;
  for (int i = 0; i < 400 && failure.ok(); ++i) {
    std::string key = "k" + std::to_string(i);
    std::string value(200, static_cast<char>('a' + i % 26));
    Status status = Put(key, value);
    if (status.ok()) {
      model[key] = value;
    } else {
      failure = status;
    }
  }
  ASSERT_FALSE(failure.ok()) << "the failed flush never surfaced";
  EXPECT_FALSE(store_->log().status().ok());
  EXPECT_FALSE(Put("after", "x").ok());
  if (model.count("k0") != 0) {
    EXPECT_FALSE(Del("k0").ok());
  }
  // Acknowledged writes read back, or fail loudly; never a wrong value.
  for (const auto& [key, value] : model) {
    auto read = Get(key);
    if (read.ok()) {
      EXPECT_EQ(*read, value);
    } else {
      EXPECT_NE(read.status().code(), StatusCode::kNotFound) << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
