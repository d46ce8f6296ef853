// Crash recovery of Db on each IoEngine: a child process writes, deletes and checkpoints;
// the parent kills it with SIGKILL at a random moment, recovers the directory and checks
// that every write covered by an acknowledged Checkpoint() survived, that no key holds a
// value it never had, and that nothing older than the recovered state comes back. The
// cycle repeats on the same directory.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ferrite/db.h"
#include "io/temp_dir.h"
#include "store/db_engine_name.h"

namespace ferrite {
namespace {

constexpr uint32_t kKeys = 1500;
constexpr uint64_t kWritesPerCycle = 1'000'000;  // index space of one cycle
constexpr uint64_t kCheckpointEvery = 97;
constexpr int kCycles = 15;

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Write number `w` (global over all cycles) is fully determined by `w`.
struct Op {
  uint32_t key;
  bool del;
};

Op OpOf(uint64_t w) {
  const uint64_t h = Mix(w);
  return Op{static_cast<uint32_t>(h % kKeys), (h >> 24) % 16 == 0};
}

std::string KeyName(uint32_t key) { return "k" + std::to_string(key); }

std::string ValueOf(uint64_t w) {
  const uint64_t h = Mix(w ^ 0x5555AAAA5555AAAAULL);
  std::string value = "v" + std::to_string(OpOf(w).key) + "-" + std::to_string(w) + "-";
  const size_t pad = h % 3000;
  value.reserve(value.size() + pad);
  for (size_t i = 0; i < pad; ++i) value.push_back(static_cast<char>('a' + (h >> (i % 48)) % 26));
  return value;
}

// The write number a value claims to come from, or nullopt when it has no such form.
std::optional<uint64_t> WriteOfValue(const std::string& value) {
  const size_t first = value.find('-');
  if (value.empty() || value[0] != 'v' || first == std::string::npos) return std::nullopt;
  const size_t second = value.find('-', first + 1);
  if (second == std::string::npos || second == first + 1) return std::nullopt;
  uint64_t w = 0;
  for (size_t i = first + 1; i < second; ++i) {
    if (value[i] < '0' || value[i] > '9') return std::nullopt;
    w = w * 10 + static_cast<uint64_t>(value[i] - '0');
  }
  return w;
}

// What the child and the parent share: the child stores how many writes it started
// before starting each (the parent reads it once the child is dead).
struct Shared {
  std::atomic<uint64_t> started{0};
};

class DbCrashTest : public ::testing::TestWithParam<DbIoOptions::Engine> {
 protected:
  DbOptions Options() const {
    DbOptions options;
    options.io.engine = GetParam();
    options.io.registered_buffers = 8;
    options.memory_budget = uint64_t{1} << 20;  // 8 pages of 64 KiB per shard
    options.page_size = 64 * 1024;
    // Small segments: compaction runs (and is killed) many times per cycle.
    options.segment_size = 256 * 1024;
    options.shards = 2;
    return options;
  }

  [[noreturn]] static void Fail(int code, const char* what, const Status& status) {
    std::fprintf(stderr, "child: %s failed: %s\n", what, status.ToString().c_str());
    _exit(code);
  }

  // The child: writes cycle `cycle`'s operations until killed, reporting on `fd` the
  // number of writes each successful Checkpoint() covered. Never returns.
  [[noreturn]] void Child(int cycle, int fd, Shared* shared) {
    auto db = Db::Open(dir_.Path("db"), Options());
    if (!db.ok()) Fail(10, "open", db.status());
    const uint64_t base = static_cast<uint64_t>(cycle) * kWritesPerCycle;
    for (uint64_t i = 0; i < kWritesPerCycle; ++i) {
      shared->started.store(i + 1, std::memory_order_seq_cst);
      const uint64_t w = base + i;
      const Op op = OpOf(w);
      if (op.del) {
        auto deleted = (*db)->Del(KeyName(op.key));
        if (!deleted.ok()) Fail(11, "del", deleted.status());
      } else {
        Status set = (*db)->Set(KeyName(op.key), ValueOf(w));
        if (!set.ok()) Fail(12, "set", set);
      }
      if ((i + 1) % kCheckpointEvery == 0) {
        Status checkpointed = (*db)->Checkpoint();
        if (!checkpointed.ok()) Fail(13, "checkpoint", checkpointed);
        const uint64_t covered = i + 1;
        if (write(fd, &covered, sizeof covered) != sizeof covered) _exit(14);
      }
    }
    _exit(15);  // ran out of writes before being killed
  }

  TempDir dir_;
};

TEST_P(DbCrashTest, KillDuringWritesAndCheckpoints) {
  // FERRITE_CRASH_SEED replays the kill delays of a failed run.
  const char* seed_env = std::getenv("FERRITE_CRASH_SEED");
  const uint64_t seed =
      seed_env != nullptr ? std::strtoull(seed_env, nullptr, 10) : std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);

  void* mapping =
      mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mapping, MAP_FAILED);
  Shared* shared = new (mapping) Shared;

  // The state the last recovery showed: a write number per key, or nullopt (missing).
  std::vector<std::optional<uint64_t>> durable(kKeys);
  uint64_t total_acked = 0;

  for (int cycle = 0; cycle < kCycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    shared->started.store(0);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Child(cycle, fds[1], shared);
    }
    close(fds[1]);

    // Wait for the first acknowledged checkpoint, then let the child run a while.
    uint64_t acked = 0;
    bool eof = false;
    auto read_ack = [&](int timeout_ms) {
      pollfd p{.fd = fds[0], .events = POLLIN, .revents = 0};
      if (poll(&p, 1, timeout_ms) <= 0) return false;
      uint64_t covered = 0;
      const ssize_t n = read(fds[0], &covered, sizeof covered);
      if (n == 0) eof = true;
      if (n != sizeof covered) return false;
      acked = covered;
      return true;
    };
    const bool first = read_ack(60'000);
    std::uniform_int_distribution<int> delay_ms(5, 200);
    const int delay = delay_ms(rng);
    if (first) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    kill(pid, SIGKILL);
    int wstatus = 0;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    while (!eof && read_ack(0)) {
    }
    close(fds[0]);
    ASSERT_TRUE(first) << "no checkpoint acknowledged; child status " << wstatus;
    ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "the child ended on its own with status " << wstatus;
    const uint64_t started = shared->started.load();
    ASSERT_GE(started, acked);
    total_acked += acked;

    // For each key: the last write to it covered by the acknowledged checkpoint, and
    // every write to it the child may have made (acknowledged or not).
    const uint64_t base = static_cast<uint64_t>(cycle) * kWritesPerCycle;
    std::vector<std::optional<uint64_t>> last_acked(kKeys);
    std::vector<std::vector<uint64_t>> maybe(kKeys);
    for (uint64_t i = 0; i < started; ++i) {
      const Op op = OpOf(base + i);
      if (i < acked) last_acked[op.key] = base + i;
      maybe[op.key].push_back(base + i);
    }

    auto db = Db::Open(dir_.Path("db"), Options());
    ASSERT_TRUE(db.ok()) << "recovery failed after cycle " << cycle << ": "
                         << db.status().ToString();
    for (uint32_t key = 0; key < kKeys; ++key) {
      SCOPED_TRACE("key " + KeyName(key));
      auto got = (*db)->Get(KeyName(key));
      ASSERT_TRUE(got.ok() || got.status().code() == StatusCode::kNotFound)
          << got.status().ToString();
      // The states the key may be in: the write it shows, or nullopt when missing.
      // Allowed: the state recovered last time when no acknowledged write to the key
      // followed it, the last acknowledged write, or any later write of this cycle.
      std::optional<uint64_t> seen;
      if (got.ok()) {
        const auto w = WriteOfValue(*got);
        ASSERT_TRUE(w.has_value()) << "a value never written: " << got->substr(0, 64);
        ASSERT_EQ(OpOf(*w).key, key) << "a value of another key: " << got->substr(0, 64);
        ASSERT_FALSE(OpOf(*w).del) << "write " << *w << " was a delete";
        ASSERT_EQ(*got, ValueOf(*w)) << "a damaged value of write " << *w;
        seen = w;
      }
      bool allowed = false;
      if (!last_acked[key].has_value() && seen == durable[key]) allowed = true;
      for (uint64_t w : maybe[key]) {
        if (last_acked[key].has_value() && w < *last_acked[key]) continue;
        const bool shows_w = OpOf(w).del ? !seen.has_value() : seen == w;
        if (shows_w) allowed = true;
      }
      ASSERT_TRUE(allowed) << "key shows "
                           << (seen ? "write " + std::to_string(*seen) : std::string("nothing"))
                           << "; last acknowledged write "
                           << (last_acked[key] ? std::to_string(*last_acked[key]) : "none")
                           << ", previously recovered "
                           << (durable[key] ? std::to_string(*durable[key]) : "nothing")
                           << ", acked " << acked << " of " << started << " started";
      durable[key] = seen;
    }
    // Keys outside the written set stay missing.
    for (uint32_t key = kKeys; key < kKeys + 20; ++key) {
      EXPECT_EQ((*db)->Get(KeyName(key)).status().code(), StatusCode::kNotFound);
    }
    ASSERT_TRUE((*db)->Close().ok());
    db->reset();  // no Db threads remain before the next fork
    RecordProperty("cycle_" + std::to_string(cycle),
                   std::to_string(acked) + "/" + std::to_string(started));
  }
  EXPECT_GT(total_acked, 0u);
  // Compaction ran (and was killed in the middle) along the way: the first segment
  // files are gone.
  for (int shard = 0; shard < 2; ++shard) {
    EXPECT_FALSE(
        std::filesystem::exists(dir_.Path("db") + "/shard-" + std::to_string(shard) + "/log.0"))
        << "shard " << shard << " never compacted";
  }
  munmap(mapping, sizeof(Shared));
}

INSTANTIATE_TEST_SUITE_P(Engines, DbCrashTest,
                         ::testing::Values(DbIoOptions::Engine::kUring,
                                           DbIoOptions::Engine::kThreads),
                         DbEngineName);

}  // namespace
}  // namespace ferrite
