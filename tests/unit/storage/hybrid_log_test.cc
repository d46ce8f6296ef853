// HybridLog on real files with each IoEngine: records written far beyond the memory limit
// come back from memory or disk, back-pressure holds the tail until flushes complete, the
// limit changes at run time (memory follows it), flush errors fail the log without losing
// flushed data, and a reopened log finds every record flushed, dropping a torn last page
// and reporting a corrupt middle one.
#include "storage/hybrid_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "io/engine_factory.h"
#include "io/fault_injecting_engine.h"
#include "io/temp_dir.h"
#include "storage/engine_test_fixture.h"
#include "storage/log_page.h"
#include "storage/record.h"

namespace ferrite {
namespace {

// 4 KiB pages, 4 pages a segment: a few hundred records cover many segment files.
constexpr LogGeometry kGeometry{12, 14};
constexpr uint32_t kPageSize = 4096;

// The page after `tail`'s: where a reopened log, or one whose tail page FlushAll()
// closed, puts its next record.
LogAddress NextPageStart(LogAddress tail) {
  return kGeometry.page_start(kGeometry.page_of(tail - 1) + 1);
}

struct TestRecord {
  LogAddress address;
  std::string key;
  std::string value;
};

class HybridLogTest : public EngineTest {
 protected:
  HybridLogOptions Options(uint32_t memory_pages) const {
    return {.directory = dir_.Path("log"),
            .geometry = kGeometry,
            .memory_pages = memory_pages,
            .mutable_fraction = 0.9,
            .direct_io = true};
  }
  Status OpenLog(uint32_t memory_pages = 4,
                 std::optional<LogCheckpointBounds> checkpoint = std::nullopt,
                 bool verify_on_open = true) {
    log_.reset();
    HybridLogOptions options = Options(memory_pages);
    options.checkpoint = checkpoint;
    options.verify_on_open = verify_on_open;
    auto log = HybridLog::Open(*engine_, options);
    if (!log.ok()) return log.status();
    log_ = std::move(log).value();
    return Status::Ok();
  }

  void CheckInvariants() const {
    const HybridLog& log = *log_;
    ASSERT_LE(log.begin(), log.head());
    ASSERT_LE(log.head(), log.read_only());
    // read_only passes the tail only when FlushAll() closed the tail page: then it is
    // the start of the next page.
    if (log.read_only() > log.tail()) {
      ASSERT_EQ(log.read_only(), kGeometry.page_start(kGeometry.page_of(log.tail() - 1) + 1));
    }
    ASSERT_GE(log.flushed_until(), log.head());
    ASSERT_LE(log.flushed_until(), log.read_only());
    // Pages [head, tail] are in memory: within the limit, or over it only while the head
    // page waits for its flush (after the limit was lowered).
    const uint64_t tail_page = kGeometry.page_of(log.tail() - 1);
    const uint32_t limit = log.memory_pages_limit();
    ASSERT_GE(limit, 4u);
    ASSERT_EQ(log.pages_in_memory(), tail_page - kGeometry.page_of(log.head()) + 1);
    if (log.pages_in_memory() > limit) {
      ASSERT_EQ(log.head(), log.flushed_until());
    }
    // The pages over the limit are sealed, so their flushes are under way.
    ASSERT_LT(tail_page + 1, kGeometry.page_of(log.read_only()) + limit);
    // At most mutable_pages() mutable pages, the tail page among them unless FlushAll()
    // closed it; at least one page of the limit read-only.
    ASSERT_GE(log.mutable_pages(), 1u);
    ASSERT_LT(log.mutable_pages(), limit);
    ASSERT_LE(tail_page + 1 - kGeometry.page_of(log.read_only()), log.mutable_pages());
    // Page buffers: one per page in memory, spares only within the limit.
    ASSERT_EQ(log.memory_bytes() % kPageSize, 0u);
    ASSERT_GE(log.memory_bytes(), uint64_t{log.pages_in_memory()} * kPageSize);
    ASSERT_LE(log.memory_bytes(), uint64_t{std::max(limit, log.pages_in_memory())} * kPageSize);
  }

  // Runs the engine until no write or read of the log is in flight.
  void Drain() {
    while (engine_->in_flight() > 0) engine_->Wait(1);
  }

  // Allocates with the caller's loop for back-pressure; returns the error, if any.
  Result<LogAddress> AllocateWaiting(uint32_t size) {
    for (;;) {
      auto address = log_->Allocate(size);
      if (address.ok() || address.status().code() != StatusCode::kBusy) return address;
      EXPECT_GT(engine_->in_flight(), 0u) << "Busy with no flush in flight";
      engine_->Wait(1);
    }
  }

  // Appends record `i` (sizes vary with i); false when Allocate failed (status in *error).
  bool Append(int i, Status* error = nullptr) {
    std::mt19937 rng(static_cast<uint32_t>(i) * 7919u + 1);
    std::string key = "key:" + std::to_string(i);
    std::string value(rng() % 400, '\0');
    for (char& c : value) c = static_cast<char>(rng());
    auto size = static_cast<uint32_t>(RecordSize(key.size(), value.size(), false));
    LogAddress previous = records_.empty() ? kInvalidAddress : records_.back().address;
    auto address = AllocateWaiting(size);
    if (!address.ok()) {
      if (error != nullptr) *error = address.status();
      return false;
    }
    EXPECT_TRUE(IsValidAddress(*address));
    EXPECT_TRUE(log_->IsMutable(*address));
    auto written = WriteRecord({log_->Get(*address), size}, previous, key, value);
    EXPECT_TRUE(written.ok() && *written == size);
    records_.push_back({*address, key, value});
    return true;
  }

  // Reads `record` back from memory or disk and compares.
  void ExpectReadBack(const TestRecord& record) {
    SCOPED_TRACE("record " + record.key + " at " + std::to_string(record.address));
    uint32_t size =
        static_cast<uint32_t>(RecordSize(record.key.size(), record.value.size(), false));
    std::vector<std::byte> bytes(size);
    if (log_->InMemory(record.address)) {
      std::memcpy(bytes.data(), log_->Get(record.address), size);
    } else {
      ASSERT_LT(record.address, log_->head());
      Status read =
          Await([&](auto cb) { return log_->ReadAsync(record.address, size, bytes.data(), cb); });
      ASSERT_TRUE(read.ok()) << read.ToString();
    }
    auto view = RecordView::Parse(bytes);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    EXPECT_EQ(view->key(), record.key);
    EXPECT_EQ(view->value(), record.value);
  }

  // Every record of the pages on disk in [begin, end_page), via ReadPage and the iterator.
  std::vector<TestRecord> ScanDisk(uint64_t first_page, uint64_t end_page) {
    std::vector<TestRecord> found;
    AlignedBuffer page(kPageSize);
    for (uint64_t p = first_page; p < end_page; ++p) {
      Status read = Await([&](auto cb) { return log_->store().ReadPage(p, page.data(), cb); });
      EXPECT_TRUE(read.ok()) << "page " << p << ": " << read.ToString();
      if (!read.ok()) break;
      PageRecordIterator it(page.span(), kGeometry.page_start(p));
      for (; it.Valid(); it.Next()) {
        found.push_back(
            {it.address(), std::string(it.record().key()), std::string(it.record().value())});
      }
      EXPECT_TRUE(it.status().ok()) << it.status().ToString();
    }
    return found;
  }

  void ExpectSameRecords(const std::vector<TestRecord>& found, size_t count) {
    ASSERT_EQ(found.size(), count);
    for (size_t i = 0; i < count; ++i) {
      EXPECT_EQ(found[i].address, records_[i].address) << i;
      EXPECT_EQ(found[i].key, records_[i].key) << i;
      EXPECT_EQ(found[i].value, records_[i].value) << i;
    }
  }

  Status FlushAll() {
    return Await([&](auto cb) { return log_->FlushAll(cb); });
  }

  TempDir dir_;
  std::unique_ptr<HybridLog> log_;
  std::vector<TestRecord> records_;
};

TEST_P(HybridLogTest, FreshLogStartsAtTheFirstRecordSlot) {
  ASSERT_TRUE(OpenLog(8).ok());
  EXPECT_EQ(log_->begin(), 0u);
  EXPECT_EQ(log_->head(), 0u);
  EXPECT_EQ(log_->tail(), kPageHeaderSize);
  // One buffer, the open page's: the others are allocated as pages open.
  EXPECT_EQ(log_->memory_bytes(), kPageSize);
  EXPECT_EQ(log_->pages_in_memory(), 1u);
  EXPECT_EQ(log_->memory_pages_limit(), 8u);
  EXPECT_EQ(log_->mutable_pages(), 7u);  // floor(8 * 0.9)
  auto first = log_->Allocate(24);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, kPageHeaderSize);
  EXPECT_EQ(log_->tail(), kPageHeaderSize + 24);
}

TEST_P(HybridLogTest, RejectsBadOptionsAndSizes) {
  auto options = Options(3);
  EXPECT_EQ(HybridLog::Open(*engine_, options).status().code(), StatusCode::kInvalidArgument);
  options.memory_pages = 4;
  options.mutable_fraction = 1.5;
  EXPECT_EQ(HybridLog::Open(*engine_, options).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(OpenLog().ok());
  EXPECT_EQ(log_->Allocate(0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Allocate(20).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Allocate(kPageSize - kPageHeaderSize + 8).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(log_->Allocate(kPageSize - kPageHeaderSize).ok());
}

TEST_P(HybridLogTest, RecordsFarBeyondMemoryFlushEvictAndReadBack) {
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 1500; ++i) {
    ASSERT_TRUE(Append(i));
    CheckInvariants();
    if (HasFatalFailure()) return;
  }
  const HybridLogStats& stats = log_->stats();
  EXPECT_GT(kGeometry.page_of(log_->tail()), 60u);
  EXPECT_GT(stats.pages_flushed, 50u);
  EXPECT_GT(stats.evictions, 50u);
  EXPECT_EQ(stats.bytes_flushed, stats.pages_flushed * kPageSize);
  EXPECT_EQ(stats.flush_errors, 0u);
  EXPECT_GT(log_->head(), 0u);
  for (const TestRecord& record : records_) ExpectReadBack(record);
  EXPECT_GT(log_->stats().read_async, 1000u);
  // The read-only region is immutable, the rest mutable.
  EXPECT_FALSE(log_->IsMutable(records_.front().address));
  EXPECT_TRUE(log_->IsMutable(records_.back().address));
  // Below the head only ReadAsync, and only from whole pages.
  std::byte scratch[64];
  EXPECT_EQ(log_->ReadAsync(log_->head(), 16, scratch, [](Status) {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ReadAsync(kPageSize - 8, 16, scratch, [](Status) {}).code(),
            StatusCode::kInvalidArgument);
}

TEST_P(HybridLogTest, TinyRingPushesBackUntilFlushesComplete) {
  ASSERT_TRUE(OpenLog(4).ok());
  ASSERT_EQ(log_->mutable_pages(), 3u);
  constexpr uint32_t kWholePage = kPageSize - kPageHeaderSize;
  // Without running the engine, four pages fit; the fifth needs page 0's frame.
  for (uint64_t page = 0; page < 4; ++page) {
    auto address = log_->Allocate(kWholePage);
    ASSERT_TRUE(address.ok()) << address.status().ToString();
    EXPECT_EQ(*address, kGeometry.page_start(page) + kPageHeaderSize);
    CheckInvariants();
  }
  EXPECT_EQ(log_->read_only(), kGeometry.page_start(1));  // page 0 is being flushed
  auto busy = log_->Allocate(kWholePage);
  ASSERT_EQ(busy.status().code(), StatusCode::kBusy);
  EXPECT_EQ(log_->tail(), kGeometry.page_start(3) + kPageSize);  // nothing changed
  EXPECT_EQ(log_->stats().allocate_busy, 1u);
  auto address = AllocateWaiting(kWholePage);
  ASSERT_TRUE(address.ok());
  EXPECT_EQ(*address, kGeometry.page_start(4) + kPageHeaderSize);
  EXPECT_EQ(log_->head(), kGeometry.page_start(1));
  EXPECT_EQ(log_->stats().evictions, 1u);
  CheckInvariants();
}

TEST_P(HybridLogTest, BackPressureWithSlowAndReorderedFlushes) {
  InjectFaults();
  // Writes complete late and out of order.
  faults_->AddRule(
      {.match = {.opcodes = IoOpcodeSet::Writes()}, .action = FaultAction::DelayPolls(1, 6)});
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(Append(i));
    CheckInvariants();
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(log_->stats().allocate_busy, 0u);
  EXPECT_GT(faults_->counters().delays, 20u);
  for (const TestRecord& record : records_) ExpectReadBack(record);
}

TEST_P(HybridLogTest, MemoryFollowsTheLimitAsPagesOpen) {
  ASSERT_TRUE(OpenLog(6).ok());
  constexpr uint32_t kWholePage = kPageSize - kPageHeaderSize;
  for (uint32_t page = 0; page < 20; ++page) {
    ASSERT_TRUE(AllocateWaiting(kWholePage).ok());
    CheckInvariants();
    // A buffer per page opened, until the limit; then the evicted page's buffer is reused.
    EXPECT_EQ(log_->pages_in_memory(), std::min(page + 1, 6u)) << page;
    EXPECT_EQ(log_->memory_bytes(), uint64_t{std::min(page + 1, 6u)} * kPageSize) << page;
  }
  EXPECT_EQ(log_->stats().evictions, 14u);
  // Raised: nothing is allocated until pages open.
  ASSERT_TRUE(log_->SetMemoryPages(10).ok());
  EXPECT_EQ(log_->memory_pages_limit(), 10u);
  EXPECT_EQ(log_->mutable_pages(), 9u);
  EXPECT_EQ(log_->memory_bytes(), 6u * kPageSize);
  CheckInvariants();
  for (uint32_t page = 0; page < 8; ++page) {
    ASSERT_TRUE(AllocateWaiting(kWholePage).ok());
    CheckInvariants();
    EXPECT_EQ(log_->memory_bytes(), uint64_t{std::min(page + 7, 10u)} * kPageSize) << page;
  }
  EXPECT_EQ(log_->stats().evictions, 18u);
  // Lowered: down to the new limit once the flushes complete.
  ASSERT_TRUE(log_->SetMemoryPages(5).ok());
  EXPECT_EQ(log_->mutable_pages(), 4u);
  CheckInvariants();
  Drain();
  CheckInvariants();
  EXPECT_EQ(log_->pages_in_memory(), 5u);
  EXPECT_EQ(log_->memory_bytes(), 5u * kPageSize);
  EXPECT_EQ(log_->stats().evictions, 23u);
  EXPECT_EQ(log_->options().memory_pages, 6u);  // the initial limit, as opened
}

TEST_P(HybridLogTest, RejectsLimitsBelowFour) {
  ASSERT_TRUE(OpenLog(8).ok());
  for (uint32_t pages : {0u, 1u, 3u}) {
    EXPECT_EQ(log_->SetMemoryPages(pages).code(), StatusCode::kInvalidArgument) << pages;
    EXPECT_EQ(log_->memory_pages_limit(), 8u);
    EXPECT_EQ(log_->mutable_pages(), 7u);
  }
  ASSERT_TRUE(log_->SetMemoryPages(4).ok());
  EXPECT_EQ(log_->memory_pages_limit(), 4u);
  EXPECT_EQ(log_->mutable_pages(), 3u);
  CheckInvariants();
}

TEST_P(HybridLogTest, ShrinkingWhileAppendingGivesMemoryBack) {
  ASSERT_TRUE(OpenLog(32).ok());
  int i = 0;
  while (log_->pages_in_memory() < 32) {
    ASSERT_TRUE(Append(i++));
    CheckInvariants();
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(log_->memory_bytes(), 32u * kPageSize);
  const uint64_t tail_page = kGeometry.page_of(log_->tail() - 1);
  ASSERT_TRUE(log_->SetMemoryPages(8).ok());
  // Sealed down to the new mutable share at once; the pages over the limit leave as
  // their flushes complete, while appends go on.
  EXPECT_EQ(log_->read_only(), kGeometry.page_start(tail_page + 1 - 7));
  EXPECT_TRUE(log_->IsMutable(records_.back().address));
  EXPECT_GE(log_->pages_in_memory(), 28u);  // at most pages 0..3 were on disk already
  CheckInvariants();
  const int shrunk_at = i;
  for (; i < shrunk_at + 600; ++i) {
    ASSERT_TRUE(Append(i));
    CheckInvariants();
    if (HasFatalFailure()) return;
  }
  Drain();
  CheckInvariants();
  EXPECT_LE(log_->pages_in_memory(), 8u);
  EXPECT_LE(log_->memory_bytes(), 8u * kPageSize);
  for (const TestRecord& record : records_) ExpectReadBack(record);

  // Grown again: the log keeps more pages as it goes on.
  ASSERT_TRUE(log_->SetMemoryPages(24).ok());
  for (; log_->pages_in_memory() < 24; ++i) {
    ASSERT_TRUE(Append(i));
    CheckInvariants();
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(log_->memory_bytes(), 24u * kPageSize);
  for (const TestRecord& record : records_) ExpectReadBack(record);

  // A FlushAll with the limit lowered under it: the closed tail page stays in memory.
  ASSERT_TRUE(log_->SetMemoryPages(6).ok());
  ASSERT_TRUE(FlushAll().ok());
  Drain();
  CheckInvariants();
  EXPECT_EQ(log_->pages_in_memory(), 6u);
  EXPECT_EQ(log_->flushed_until(), NextPageStart(log_->tail()));
  EXPECT_TRUE(log_->InMemory(records_.back().address));
  EXPECT_EQ(log_->stats().flush_errors, 0u);
  for (const TestRecord& record : records_) ExpectReadBack(record);
  // Everything appended reopens, pages sealed early included.
  const LogAddress tail = log_->tail();
  ASSERT_TRUE(OpenLog(4).ok());
  ExpectSameRecords(ScanDisk(0, kGeometry.page_of(tail - 1) + 1), records_.size());
}

TEST_P(HybridLogTest, ShrinkingAFullLimitToFourWaitsForTheFlushes) {
  ASSERT_TRUE(OpenLog(16).ok());
  ASSERT_EQ(log_->mutable_pages(), 14u);
  constexpr uint32_t kWholePage = kPageSize - kPageHeaderSize;
  // Without running the engine: sixteen pages in memory, pages 0 and 1 being flushed.
  for (uint64_t page = 0; page < 16; ++page) {
    auto address = log_->Allocate(kWholePage);
    ASSERT_TRUE(address.ok()) << address.status().ToString();
    CheckInvariants();
  }
  ASSERT_EQ(log_->read_only(), kGeometry.page_start(2));
  ASSERT_EQ(log_->pages_in_memory(), 16u);
  ASSERT_EQ(log_->memory_bytes(), 16u * kPageSize);

  ASSERT_TRUE(log_->SetMemoryPages(4).ok());
  // Pages 2..12 are sealed and their flushes started; the tail page stays mutable.
  EXPECT_EQ(log_->mutable_pages(), 3u);
  EXPECT_EQ(log_->read_only(), kGeometry.page_start(13));
  EXPECT_TRUE(log_->IsMutable(log_->tail() - 8));
  CheckInvariants();
  // Nothing is on disk yet: every page stays, and the next page must wait.
  EXPECT_EQ(log_->head(), 0u);
  EXPECT_EQ(log_->pages_in_memory(), 16u);
  const LogAddress tail = log_->tail();
  EXPECT_EQ(log_->Allocate(kWholePage).status().code(), StatusCode::kBusy);
  EXPECT_EQ(log_->tail(), tail);
  CheckInvariants();
  // Each completed flush evicts; in the end four pages and four buffers remain.
  uint32_t in_memory = log_->pages_in_memory();
  while (engine_->in_flight() > 0) {
    engine_->Wait(1);
    CheckInvariants();
    EXPECT_LE(log_->pages_in_memory(), in_memory);
    in_memory = log_->pages_in_memory();
  }
  EXPECT_EQ(log_->pages_in_memory(), 4u);
  EXPECT_EQ(log_->memory_bytes(), 4u * kPageSize);
  EXPECT_EQ(log_->head(), kGeometry.page_start(12));
  EXPECT_EQ(log_->flushed_until(), kGeometry.page_start(13));
  EXPECT_EQ(log_->stats().evictions, 12u);
  // Page 12 is on disk, so the next page takes its place.
  auto address = log_->Allocate(kWholePage);
  ASSERT_TRUE(address.ok()) << address.status().ToString();
  EXPECT_EQ(*address, kGeometry.page_start(16) + kPageHeaderSize);
  EXPECT_EQ(log_->head(), kGeometry.page_start(13));
  EXPECT_EQ(log_->memory_bytes(), 4u * kPageSize);
  CheckInvariants();
}

TEST_P(HybridLogTest, LimitChangesWithSlowAndReorderedFlushes) {
  InjectFaults();
  // Writes complete late and out of order, while the limit moves up and down.
  faults_->AddRule(
      {.match = {.opcodes = IoOpcodeSet::Writes()}, .action = FaultAction::DelayPolls(1, 6)});
  ASSERT_TRUE(OpenLog(4).ok());
  constexpr uint32_t kLimits[] = {24, 5, 12, 4, 32, 6, 9, 4};
  int over_limit = 0;  // appends after which pages over the limit still waited
  for (int i = 0; i < 1600; ++i) {
    if (i % 100 == 99) {
      const uint32_t limit = kLimits[(i / 100) % std::size(kLimits)];
      ASSERT_TRUE(log_->SetMemoryPages(limit).ok());
      EXPECT_EQ(log_->memory_pages_limit(), limit);
      CheckInvariants();
    }
    ASSERT_TRUE(Append(i));
    CheckInvariants();
    if (HasFatalFailure()) return;
    if (log_->pages_in_memory() > log_->memory_pages_limit()) ++over_limit;
  }
  EXPECT_GT(over_limit, 0);
  EXPECT_GT(log_->stats().allocate_busy, 0u);
  EXPECT_GT(faults_->counters().delays, 20u);
  EXPECT_EQ(log_->stats().flush_errors, 0u);
  Drain();
  CheckInvariants();
  EXPECT_LE(log_->pages_in_memory(), log_->memory_pages_limit());
  EXPECT_LE(log_->memory_bytes(), uint64_t{log_->memory_pages_limit()} * kPageSize);
  for (const TestRecord& record : records_) ExpectReadBack(record);
}

TEST_P(HybridLogTest, FlushErrorFailsTheLogAndKeepsFlushedData) {
  for (auto [sys_errno, code] :
       {std::pair{EIO, StatusCode::kIoError}, std::pair{ENOSPC, StatusCode::kNoSpace}}) {
    SCOPED_TRACE(sys_errno);
    log_.reset();
    records_.clear();
    engine_.reset();
    SetUp();
    InjectFaults();
    // The 12th page write fails.
    faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes(), .first = 11, .max_fires = 1},
                      .action = FaultAction::Error(sys_errno)});
    std::filesystem::remove_all(dir_.Path("log"));
    ASSERT_TRUE(OpenLog(4).ok());
    Status error;
    int i = 0;
    while (Append(i, &error)) {
      ++i;
      CheckInvariants();
      ASSERT_LT(i, 2000) << "the injected error never surfaced";
    }
    EXPECT_EQ(error.code(), code) << error.ToString();
    EXPECT_EQ(error.sys_errno(), sys_errno);
    EXPECT_EQ(log_->status().code(), code);
    EXPECT_EQ(log_->stats().flush_errors, 1u);
    EXPECT_EQ(log_->flushed_until(), kGeometry.page_start(11));  // stops at the failed page
    CheckInvariants();
    // The error is for good, and FlushAll reports it.
    EXPECT_EQ(log_->Allocate(16).status().code(), code);
    EXPECT_EQ(log_->FlushAll([](Status) {}).code(), code);
    // Everything appended is still readable: from disk below the head, memory above.
    for (const TestRecord& record : records_) ExpectReadBack(record);
    // The pages flushed before the failure are intact on disk.
    size_t on_disk = 0;
    while (on_disk < records_.size() && records_[on_disk].address < log_->flushed_until()) {
      ++on_disk;
    }
    auto found = ScanDisk(0, 11);
    ExpectSameRecords(found, on_disk);
  }
}

TEST_P(HybridLogTest, FlushAllThenReopenFindsEveryRecord) {
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(Append(i));
  const LogAddress tail = log_->tail();
  Status flushed = FlushAll();
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();
  // The tail page was closed where it was, and written whole.
  EXPECT_EQ(log_->stats().early_closes, 1u);
  EXPECT_EQ(log_->tail(), tail);
  EXPECT_EQ(log_->flushed_until(), NextPageStart(tail));
  EXPECT_FALSE(log_->IsMutable(records_.back().address));
  CheckInvariants();
  // The next record opens the next page.
  ASSERT_TRUE(Append(500));
  EXPECT_EQ(records_.back().address, NextPageStart(tail) + kPageHeaderSize);
  CheckInvariants();
  ASSERT_TRUE(FlushAll().ok());
  const LogAddress tail1 = log_->tail();

  ASSERT_TRUE(OpenLog(4).ok());
  EXPECT_EQ(log_->begin(), 0u);
  // The reopened log goes on in a fresh page: no page is ever written twice.
  EXPECT_EQ(log_->tail(), NextPageStart(tail1) + kPageHeaderSize);
  EXPECT_EQ(log_->head(), NextPageStart(tail1));
  EXPECT_FALSE(log_->recovery().truncated);
  EXPECT_EQ(log_->recovery().pages_found, kGeometry.page_of(tail1 - 1) + 1);
  CheckInvariants();
  ExpectSameRecords(ScanDisk(0, kGeometry.page_of(tail1 - 1) + 1), records_.size());
  for (const TestRecord& record : records_) ExpectReadBack(record);

  for (int i = 501; i < 900; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const LogAddress tail2 = log_->tail();
  ASSERT_TRUE(OpenLog(6).ok());
  EXPECT_EQ(log_->tail(), NextPageStart(tail2) + kPageHeaderSize);
  ExpectSameRecords(ScanDisk(0, kGeometry.page_of(tail2 - 1) + 1), records_.size());
}

TEST_P(HybridLogTest, FlushAllTwiceAndOnAnEmptyLog) {
  ASSERT_TRUE(OpenLog(4).ok());
  ASSERT_TRUE(FlushAll().ok());  // nothing to write: a sync, from the engine
  EXPECT_EQ(log_->stats().early_closes, 0u);
  EXPECT_EQ(log_->tail(), kPageHeaderSize);  // the empty tail page stays open
  ASSERT_TRUE(Append(0));
  EXPECT_EQ(records_.back().address, kPageHeaderSize);
  Status first;
  bool first_done = false;
  ASSERT_TRUE(log_->FlushAll([&](Status status) {
                    first = std::move(status);
                    first_done = true;
                  })
                  .ok());
  EXPECT_EQ(log_->FlushAll([](Status) {}).code(), StatusCode::kBusy);
  while (!first_done) engine_->Wait(1);
  EXPECT_TRUE(first.ok()) << first.ToString();
  // A second FlushAll right after the first has nothing new to close.
  ASSERT_TRUE(FlushAll().ok());
  EXPECT_EQ(log_->stats().early_closes, 1u);
  ASSERT_TRUE(OpenLog(4).ok());
  ExpectSameRecords(ScanDisk(0, 1), 1);
}

TEST_P(HybridLogTest, PagesRecordTheIndexSizeTheyWereSealedUnder) {
  ASSERT_TRUE(OpenLog(4).ok());
  log_->set_index_bucket_bits(9);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Append(i));
  log_->set_index_bucket_bits(13);
  for (int i = 100; i < 200; ++i) ASSERT_TRUE(Append(i));
  log_->set_index_bucket_bits(11);  // smaller than an earlier page's: the maximum wins
  ASSERT_TRUE(FlushAll().ok());
  ASSERT_TRUE(OpenLog(4).ok());
  EXPECT_EQ(log_->recovery().index_bucket_bits, 13u);
}

TEST_P(HybridLogTest, TornLastPageIsDroppedAndCutOnReopen) {
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const uint64_t last_page = kGeometry.page_of(log_->tail() - 1);
  ASSERT_GT(last_page, 2u);
  const std::string path = log_->store().SegmentPath(kGeometry.segment_of_page(last_page));
  log_.reset();
  // The last page's write was torn: the file ends inside it.
  const uint64_t page_offset = kGeometry.offset_in_segment(kGeometry.page_start(last_page));
  std::filesystem::resize_file(path, page_offset + 1000);

  ASSERT_TRUE(OpenLog(4).ok());
  EXPECT_TRUE(log_->recovery().truncated);
  EXPECT_NE(log_->recovery().truncation_reason.find(path), std::string::npos)
      << log_->recovery().truncation_reason;
  EXPECT_EQ(log_->recovery().pages_found, last_page);
  // The torn bytes are cut off the file, and the log goes on in the torn page's place.
  EXPECT_EQ(std::filesystem::file_size(path), page_offset);
  EXPECT_EQ(log_->tail(), kGeometry.page_start(last_page) + kPageHeaderSize);
  size_t kept = 0;
  while (kept < records_.size() && records_[kept].address < kGeometry.page_start(last_page)) {
    ++kept;
  }
  ExpectSameRecords(ScanDisk(0, last_page), kept);
  records_.resize(kept);
  for (const TestRecord& record : records_) ExpectReadBack(record);
  // And writes again over the torn page.
  for (int i = 1000; i < 1200; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const LogAddress tail = log_->tail();
  ASSERT_TRUE(OpenLog(4).ok());
  EXPECT_FALSE(log_->recovery().truncated);
  ExpectSameRecords(ScanDisk(0, kGeometry.page_of(tail - 1) + 1), records_.size());
}

TEST_P(HybridLogTest, PagesAfterAMissingOneAreCutOnReopen) {
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 400; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const uint64_t last_page = kGeometry.page_of(log_->tail() - 1);
  ASSERT_GT(last_page, 9u);
  log_.reset();
  // Page 5 never reached the disk, but later ones did (writes complete out of order
  // before a crash): the log ends at page 5, and the later pages must not pass for its
  // continuation once page 5 is written again.
  const std::string path = dir_.Path("log") + "/log.1";
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.is_open());
    file.seekp(kPageSize);  // page 5 is segment 1's second page
    const std::string zeros(kPageSize, '\0');
    file.write(zeros.data(), kPageSize);
  }
  ASSERT_TRUE(OpenLog(4).ok());
  EXPECT_FALSE(log_->recovery().truncated);  // a page never written is not torn
  EXPECT_EQ(log_->recovery().pages_found, 5u);
  EXPECT_EQ(std::filesystem::file_size(path), kPageSize);
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("log") + "/log.2"));
  EXPECT_EQ(log_->tail(), kGeometry.page_start(5) + kPageHeaderSize);
  size_t kept = 0;
  while (kept < records_.size() && records_[kept].address < kGeometry.page_start(5)) ++kept;
  records_.resize(kept);
  // One new page, then reopen: the log ends after it, with no stale page behind it.
  for (int i = 2000; i < 2010; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  ASSERT_TRUE(OpenLog(4).ok());
  EXPECT_EQ(log_->recovery().pages_found, 6u);
  EXPECT_EQ(log_->tail(), kGeometry.page_start(6) + kPageHeaderSize);
  ExpectSameRecords(ScanDisk(0, 6), records_.size());
}

TEST_P(HybridLogTest, CheckpointBoundsSetBeginAndTheScanStart) {
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 400; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const LogAddress tail = log_->tail();
  const uint64_t last_page = kGeometry.page_of(tail - 1);
  ASSERT_GT(last_page, 9u);
  // A checkpoint that moved begin to segment 2 (pages 8 on): segments 0 and 1 are
  // leftovers of its compaction.
  const LogCheckpointBounds bounds{.begin = kGeometry.segment_start(2), .durable_tail = tail};
  ASSERT_TRUE(OpenLog(4, bounds, /*verify_on_open=*/false).ok());
  EXPECT_EQ(log_->begin(), kGeometry.segment_start(2));
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("log") + "/log.0"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("log") + "/log.1"));
  // Without verification, only the durable tail's page and later ones were read.
  EXPECT_EQ(log_->recovery().pages_found, 1u);
  EXPECT_EQ(log_->tail(), NextPageStart(tail) + kPageHeaderSize);
  ASSERT_TRUE(OpenLog(4, bounds, /*verify_on_open=*/true).ok());
  EXPECT_EQ(log_->recovery().pages_found, last_page + 1 - 8);
  // A log that ends below the checkpoint's durable tail lost checkpointed records.
  const LogCheckpointBounds beyond{.begin = kGeometry.segment_start(2),
                                   .durable_tail = NextPageStart(tail) + kPageHeaderSize + 8};
  log_.reset();
  Status opened = OpenLog(4, beyond);
  EXPECT_EQ(opened.code(), StatusCode::kCorruption) << opened.ToString();
  EXPECT_NE(opened.message().find("before the checkpoint"), std::string_view::npos)
      << opened.ToString();
}

TEST_P(HybridLogTest, TornWriteFromTheEngineIsDroppedOnReopen) {
  InjectFaults();
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const uint64_t pages = kGeometry.page_of(log_->tail() - 1) + 1;
  // The next page write tears halfway: the log fails, the disk has a torn last page.
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes()},
                    .action = FaultAction::TornWrite(kPageSize / 2, EIO, 512)});
  Status error;
  int i = 200;
  while (Append(i, &error)) ++i;
  EXPECT_EQ(error.code(), StatusCode::kIoError);
  faults_->ClearRules();

  ASSERT_TRUE(OpenLog(4).ok());
  // The torn page is the first after the FlushAll: the log ends before it, with every
  // record the FlushAll made durable.
  EXPECT_TRUE(log_->recovery().truncated);
  EXPECT_EQ(log_->recovery().pages_found, pages);
  size_t kept = 0;
  while (kept < records_.size() && records_[kept].address < kGeometry.page_start(pages)) {
    ++kept;
  }
  EXPECT_EQ(kept, 200u);
  ExpectSameRecords(ScanDisk(0, pages), kept);
}

TEST_P(HybridLogTest, CorruptMiddlePageIsReportedWithItsFile) {
  ASSERT_TRUE(OpenLog(4).ok());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(Append(i));
  ASSERT_TRUE(FlushAll().ok());
  const std::string path = log_->store().SegmentPath(1);
  log_.reset();
  {
    // A flipped byte in the records of page 5 (segment 1, its second page).
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.is_open());
    file.seekg(kPageSize + 200);
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x40);
    file.seekp(kPageSize + 200);
    file.write(&byte, 1);
  }
  Status opened = OpenLog(4);
  EXPECT_EQ(opened.code(), StatusCode::kCorruption) << opened.ToString();
  EXPECT_NE(opened.message().find(path), std::string_view::npos) << opened.ToString();
  EXPECT_NE(opened.message().find("page 5"), std::string_view::npos) << opened.ToString();
}

INSTANTIATE_TEST_SUITE_P(Engines, HybridLogTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

}  // namespace
}  // namespace ferrite
