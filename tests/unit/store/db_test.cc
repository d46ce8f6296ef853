// Db, the embedded API, on each IoEngine: the blocking and asynchronous operations,
// expiry, sharding, data larger than the memory budget, checkpoint and reopen, bad
// options, and blocking callers on several threads.
#include "ferrite/db.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "io/temp_dir.h"
#include "store/db_engine_name.h"

namespace ferrite {
namespace {

using std::chrono::milliseconds;

class DbTest : public ::testing::TestWithParam<DbIoOptions::Engine> {
 protected:
  DbOptions Options(uint32_t shards = 1) {
    DbOptions options;
    options.io.engine = GetParam();
    options.io.registered_buffers = 4;
    options.memory_budget = uint64_t{shards} * 4 * 16 * 1024;  // 4 frames of 16 KiB
    options.page_size = 16 * 1024;
    options.shards = shards;
    return options;
  }
  std::unique_ptr<Db> Open(const DbOptions& options) {
    auto db = Db::Open(dir_.Path("db"), options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  static std::string ValueOf(int i) { return "value-" + std::to_string(i) + std::string(200, 'v'); }

  TempDir dir_;
};

TEST_P(DbTest, SetGetDelExists) {
  auto db = Open(Options());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*db->Exists("k"));
  ASSERT_TRUE(db->Set("k", "v").ok());
  EXPECT_EQ(*db->Get("k"), "v");
  EXPECT_TRUE(*db->Exists("k"));
  EXPECT_TRUE(*db->Del("k"));
  EXPECT_FALSE(*db->Del("k"));
  EXPECT_EQ(db->Get("k").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(db->Update("n", [](std::optional<std::string_view> old) {
                  return std::to_string(old ? std::stoi(std::string(*old)) + 1 : 1);
                }).ok());
  ASSERT_TRUE(db->Update("n", [](std::optional<std::string_view> old) {
                  return std::to_string(old ? std::stoi(std::string(*old)) + 1 : 1);
                }).ok());
  EXPECT_EQ(*db->Get("n"), "2");
  EXPECT_TRUE(db->Close().ok());
  EXPECT_EQ(db->Get("n").status().code(), StatusCode::kShutdown);
}

// Outcomes here do not depend on timing: TTLs are either long or already over.
TEST_P(DbTest, ExpiryAndExpire) {
  auto db = Open(Options());
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Set("gone", "v", milliseconds(-1)).ok());
  EXPECT_EQ(db->Get("gone").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(db->Set("long", "v", std::chrono::hours(1)).ok());
  EXPECT_EQ(*db->Get("long"), "v");
  EXPECT_FALSE(*db->Expire("missing", std::chrono::hours(1)));
  ASSERT_TRUE(db->Set("k", "v").ok());
  EXPECT_TRUE(*db->Expire("k", std::chrono::hours(1)));
  EXPECT_EQ(*db->Get("k"), "v");
  EXPECT_TRUE(*db->Expire("k", milliseconds(0)));  // expires at once
  EXPECT_EQ(db->Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*db->Expire("k", std::chrono::hours(1)));
  EXPECT_TRUE(*db->Expire("long", milliseconds(-5)));
  EXPECT_FALSE(*db->Exists("long"));
}

TEST_P(DbTest, KeysSpreadOverShards) {
  auto db = Open(Options(4));
  ASSERT_NE(db, nullptr);
  std::vector<int> per_shard(4);
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(db->Set("key" + std::to_string(i), ValueOf(i)).ok());
    ++per_shard[db->ShardOf("key" + std::to_string(i))];
  }
  for (int count : per_shard) EXPECT_GT(count, 50);
  for (int i = 0; i < 400; ++i) EXPECT_EQ(*db->Get("key" + std::to_string(i)), ValueOf(i));
}

TEST_P(DbTest, LargerThanBudgetSurvivesCheckpointAndReopen) {
  const DbOptions options = Options(2);  // 128 KiB of pages for ~1 MiB of data
  {
    auto db = Open(options);
    ASSERT_NE(db, nullptr);
    for (int i = 0; i < 4000; ++i) ASSERT_TRUE(db->Set("key" + std::to_string(i), ValueOf(i)).ok());
    ASSERT_TRUE(db->Del("key7").value());
    for (int i = 0; i < 4000; i += 97) {
      if (i != 7) {
        EXPECT_EQ(*db->Get("key" + std::to_string(i)), ValueOf(i));
      }
    }
    ASSERT_TRUE(db->Checkpoint().ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = Open(options);
  ASSERT_NE(db, nullptr);
  for (int i = 0; i < 4000; ++i) {
    auto value = db->Get("key" + std::to_string(i));
    if (i == 7) {
      EXPECT_EQ(value.status().code(), StatusCode::kNotFound);
    } else {
      ASSERT_TRUE(value.ok()) << i << ": " << value.status().ToString();
      EXPECT_EQ(*value, ValueOf(i));
    }
  }
  // Most of the data set can only have come from disk; every found key was counted.
  auto stats = db->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->found_mutable + stats->found_read_only + stats->found_disk, 4000u);
  EXPECT_GT(stats->found_disk, 3000u);
  EXPECT_GE(stats->disk_reads, stats->pending_lookups);
  // This budget is too small for even the initial index: the logs keep their 4 pages.
  EXPECT_EQ(stats->memory_budget, options.memory_budget);
  EXPECT_LE(stats->log_memory_bytes, 2u * 4 * options.page_size);
  EXPECT_LE(stats->log_bytes_in_memory, stats->log_memory_bytes);
  EXPECT_GT(stats->log_bytes_total, 4000u * 200);
  EXPECT_GE(stats->index_entries, 3999u);
  EXPECT_GT(stats->index_bytes, 0u);
}

TEST_P(DbTest, IndexAndLogShareTheMemoryBudget) {
  DbOptions options = Options(1);
  options.memory_budget = 2 << 20;
  auto db = Open(options);
  ASSERT_NE(db, nullptr);
  // 40,000 keys grow the index to about half a MiB; the log keeps the rest, and the
  // 1.3 MiB of records fill it.
  for (int i = 0; i < 40000; ++i) {
    ASSERT_TRUE(db->Set("key" + std::to_string(i), std::string(20, 'v')).ok());
  }
  auto stats = db->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GE(stats->index_bytes, 256u << 10);
  EXPECT_LE(stats->index_bytes + stats->log_memory_bytes, options.memory_budget);
  // A smaller budget: pages go to disk as they are flushed, and every key still reads.
  ASSERT_TRUE(db->SetMemoryBudget(1 << 20).ok());
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(db->Set("more" + std::to_string(i), "v").ok());
  stats = db->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->memory_budget, 1u << 20);
  EXPECT_LE(stats->index_bytes + stats->log_memory_bytes, 1u << 20);
  for (int i = 0; i < 40000; i += 7) {
    EXPECT_EQ(*db->Get("key" + std::to_string(i)), std::string(20, 'v'));
  }
  EXPECT_EQ(db->SetMemoryBudget(3 * options.page_size).code(), StatusCode::kInvalidArgument);
}

TEST_P(DbTest, ShardCountIsFixedPerDirectory) {
  {
    auto db = Open(Options(2));
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Set("k", "v").ok());
  }
  // Keys are placed by the shard count: another one would look in the wrong shard.
  for (uint32_t shards : {1u, 3u}) {
    auto db = Db::Open(dir_.Path("db"), Options(shards));
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << db.status().ToString();
    EXPECT_NE(db.status().message().find("written with 2 shards"), std::string_view::npos)
        << db.status().ToString();
  }
  auto db = Open(Options(2));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->Get("k"), "v");
  // A layout file that is not one is damage, reported with its name.
  ASSERT_TRUE(db->Close().ok());
  std::ofstream(dir_.Path("db") + "/FERRITE") << "ferrite-db 1\nshards two\n";
  auto damaged = Db::Open(dir_.Path("db"), Options(2));
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption);
  EXPECT_NE(damaged.status().message().find("FERRITE"), std::string_view::npos);
}

TEST_P(DbTest, DamagedShardFileFailsOpenNamingIt) {
  const DbOptions options = Options(2);
  {
    auto db = Open(options);
    ASSERT_NE(db, nullptr);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(db->Set("key" + std::to_string(i), ValueOf(i)).ok());
  }  // closing checkpoints every shard
  const std::string manifest = dir_.Path("db") + "/shard-1/CHECKPOINT";
  ASSERT_TRUE(std::filesystem::exists(manifest));
  {
    std::fstream file(manifest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(25);
    file.put('#');
  }
  auto db = Db::Open(dir_.Path("db"), options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().ToString();
  EXPECT_NE(db.status().message().find(manifest), std::string_view::npos) << db.status().ToString();
}

TEST_P(DbTest, CloseMakesWritesDurableWithoutCheckpoint) {
  {
    auto db = Open(Options());
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Set("a", "1").ok());
  }
  auto db = Open(Options());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->Get("a"), "1");
}

TEST_P(DbTest, AsyncCallbacksRunOnShardThreads) {
  auto db = Open(Options(2));
  ASSERT_NE(db, nullptr);
  const auto caller = std::this_thread::get_id();
  std::atomic<int> on_caller{0};
  std::promise<void> all_done;
  std::atomic<int> remaining{3};
  auto check = [&] {
    if (std::this_thread::get_id() == caller) on_caller.fetch_add(1);
    if (remaining.fetch_sub(1) == 1) all_done.set_value();
  };
  Db* raw = db.get();
  // A callback that starts the next operation: set, then get, then del.
  db->SetAsync("k", "v", [&, raw](Status status) {
    EXPECT_TRUE(status.ok());
    check();
    raw->GetAsync("k", [&, raw](Result<std::string> value) {
      EXPECT_EQ(*value, "v");
      check();
      raw->DelAsync("k", [&](Result<bool> deleted) {
        EXPECT_TRUE(*deleted);
        check();
      });
    });
  });
  all_done.get_future().wait();
  EXPECT_EQ(on_caller.load(), 0);
  EXPECT_FALSE(*db->Exists("k"));
  ASSERT_TRUE(db->Close().ok());
  Status after_close;
  db->SetAsync("k", "v", [&](Status status) { after_close = status; });
  EXPECT_EQ(after_close.code(), StatusCode::kShutdown);
}

TEST_P(DbTest, BadOptionsAreInvalidArgument) {
  DbOptions options = Options();
  options.memory_budget = 3 * options.page_size;
  EXPECT_EQ(Db::Open(dir_.Path("db"), options).status().code(), StatusCode::kInvalidArgument);
  options = Options(4);
  options.memory_budget = 4 * 4 * options.page_size - 1;  // one shard gets 3 pages
  EXPECT_EQ(Db::Open(dir_.Path("db"), options).status().code(), StatusCode::kInvalidArgument);
  options = Options();
  options.page_size = 3000;
  EXPECT_EQ(Db::Open(dir_.Path("db"), options).status().code(), StatusCode::kInvalidArgument);
  options = Options();
  options.shards = 0;
  EXPECT_EQ(Db::Open(dir_.Path("db"), options).status().code(), StatusCode::kInvalidArgument);
}

// Each thread owns its keys and checks every answer against its own model.
TEST_P(DbTest, ConcurrentBlockingCallers) {
  auto db = Open(Options(4));
  ASSERT_NE(db, nullptr);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::map<std::string, std::string> model;
      for (int op = 0; op < 2000; ++op) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(op % 97);
        switch (op % 4) {
          case 0:
          case 1: {
            const std::string value = ValueOf(op);
            if (!db->Set(key, value).ok()) mismatches.fetch_add(1);
            model[key] = value;
            break;
          }
          case 2: {
            auto deleted = db->Del(key);
            if (!deleted.ok() || *deleted != (model.erase(key) == 1)) mismatches.fetch_add(1);
            break;
          }
          case 3: {
            auto value = db->Get(key);
            auto it = model.find(key);
            const bool right = it == model.end() ? value.status().code() == StatusCode::kNotFound
                                                 : value.ok() && *value == it->second;
            if (!right) mismatches.fetch_add(1);
            break;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, DbTest,
                         ::testing::Values(DbIoOptions::Engine::kUring,
                                           DbIoOptions::Engine::kThreads),
                         DbEngineName);

}  // namespace
}  // namespace ferrite
