// SegmentStore on real files in a temporary directory, with each IoEngine, and under
// injected faults: pages come back as written or as an error naming the file, never as
// garbage.
#include "storage/segment_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "storage/engine_test_fixture.h"
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "io/engine_factory.h"
#include "io/fault_injecting_engine.h"
#include "io/temp_dir.h"
#include "storage/log_page.h"
#include "storage/record.h"

namespace ferrite {
namespace {

using namespace std::string_literals;

// 4 KiB pages, 4 pages a segment: a few dozen pages cover many segment files.
constexpr LogGeometry kGeometry{12, 14};
constexpr size_t kPageSize = 4096;
constexpr size_t kSegmentSize = 16384;

bool Contains(const Status& status, std::string_view text) {
  return status.message().find(text) != std::string_view::npos;
}

// One record as a test page holds it.
struct TestRecord {
  LogAddress address;
  std::string key;
  std::string value;
};

class SegmentStoreTest : public EngineTest {
 protected:
  void OpenStore(bool direct_io = true) {
    store_.reset();
    auto store = SegmentStore::Open(
        *engine_, {.directory = dir_.Path("log"), .geometry = kGeometry, .direct_io = direct_io});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Status Write(uint64_t page_number, const AlignedBuffer& page) {
    return Await([&](auto cb) { return store_->WritePage(page_number, page.data(), cb); });
  }
  Status Read(uint64_t page_number, AlignedBuffer& dest) {
    return Await([&](auto cb) { return store_->ReadPage(page_number, dest.data(), cb); });
  }
  Status Sync() {
    return Await([&](auto cb) { return store_->Sync(cb); });
  }

  // A sealed page of records whose sizes depend on the page number.
  AlignedBuffer MakePage(uint64_t page_number, std::vector<TestRecord>* records = nullptr) {
    AlignedBuffer page(kPageSize);
    std::memset(page.data(), 0xEE, kPageSize);
    std::mt19937 rng(static_cast<uint32_t>(page_number) + 1);
    uint32_t used = kPageHeaderSize;
    LogAddress previous = kInvalidAddress;
    for (int i = 0;; ++i) {
      std::string key = "p" + std::to_string(page_number) + "\r\n\0k"s + std::to_string(i);
      std::string value(rng() % 300, '\0');
      for (char& c : value) c = static_cast<char>(rng());
      if (used + RecordSize(key.size(), value.size(), false) > kPageSize) break;
      auto written = WriteRecord(page.span().subspan(used), previous, key, value);
      EXPECT_TRUE(written.ok());
      previous = kGeometry.page_start(page_number) + used;
      if (records != nullptr) records->push_back({previous, key, value});
      used += static_cast<uint32_t>(*written);
    }
    EXPECT_TRUE(SealPage(page.span(), page_number, used).ok());
    return page;
  }

  std::string SegmentFile(uint64_t segment) const {
    return dir_.Path("log") + "/log." + std::to_string(segment);
  }
  void PokeFile(uint64_t segment, uint64_t offset, std::byte value) {
    int fd = open(SegmentFile(segment).c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ASSERT_EQ(pwrite(fd, &value, 1, static_cast<off_t>(offset)), 1);
    close(fd);
  }
  std::byte PeekFile(uint64_t segment, uint64_t offset) {
    std::byte value{};
    int fd = open(SegmentFile(segment).c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(pread(fd, &value, 1, static_cast<off_t>(offset)), 1);
    close(fd);
    return value;
  }

  TempDir dir_;
  std::unique_ptr<SegmentStore> store_;
};

TEST_P(SegmentStoreTest, WritesAndReadsPagesAcrossSegments) {
  OpenStore();
  constexpr uint64_t kPages = 22;  // six segment files, the last one partly filled
  std::vector<AlignedBuffer> pages;
  for (uint64_t n = 0; n < kPages; ++n) pages.push_back(MakePage(n));

  // All writes in flight at once, more than the ring holds.
  size_t done = 0;
  for (uint64_t n = 0; n < kPages; ++n) {
    ASSERT_TRUE(store_
                    ->WritePage(n, pages[n].data(),
                                [&, n](Status status) {
                                  EXPECT_TRUE(status.ok())
                                      << "page " << n << ": " << status.ToString();
                                  ++done;
                                })
                    .ok());
  }
  EXPECT_EQ(store_->in_flight(), kPages);
  engine_->Drain();
  EXPECT_EQ(done, kPages);
  EXPECT_EQ(store_->in_flight(), 0u);
  ASSERT_TRUE(Sync().ok());

  EXPECT_EQ(store_->segment_files(), (std::set<uint64_t>{0, 1, 2, 3, 4, 5}));
  for (uint64_t segment = 0; segment < 5; ++segment) {
    EXPECT_EQ(std::filesystem::file_size(SegmentFile(segment)), kSegmentSize);
  }
  EXPECT_EQ(std::filesystem::file_size(SegmentFile(5)), 2 * kPageSize);

  for (uint64_t n = 0; n < kPages; ++n) {
    AlignedBuffer dest(kPageSize);
    Status status = Read(n, dest);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(std::memcmp(dest.data(), pages[n].data(), kPageSize), 0) << "page " << n;
  }
  // The page on disk sits at its address modulo the segment size.
  EXPECT_EQ(PeekFile(2, kPageSize + kPageNumberOffset), std::byte{9});
}

TEST_P(SegmentStoreTest, ReadBytesReturnsRecordsAtAnyAlignment) {
  for (bool direct : {true, false}) {
    SCOPED_TRACE(direct ? "O_DIRECT" : "buffered");
    OpenStore(direct);
    std::vector<TestRecord> records;
    std::vector<AlignedBuffer> pages;
    for (uint64_t n = 4; n < 8; ++n) pages.push_back(MakePage(n, &records));
    for (uint64_t n = 4; n < 8; ++n) ASSERT_TRUE(Write(n, pages[n - 4]).ok());
    ASSERT_GT(records.size(), 20u);
    for (const TestRecord& record : records) {
      size_t size = RecordSize(record.key.size(), record.value.size(), false);
      std::vector<std::byte> dest(size + 1, std::byte{0x77});
      Status status = Await([&](auto cb) {
        return store_->ReadBytes(record.address, size, dest.data() + 1, cb);  // unaligned dest
      });
      ASSERT_TRUE(status.ok()) << status.ToString();
      EXPECT_EQ(dest[0], std::byte{0x77});
      auto view = RecordView::Parse(std::span(dest).subspan(1));
      ASSERT_TRUE(view.ok()) << view.status().ToString();
      EXPECT_EQ(view->key(), record.key);
      EXPECT_EQ(view->value(), record.value);
    }
    // A range larger than a pool buffer uses memory of its own.
    std::vector<std::byte> whole(3 * kPageSize - 100);
    Status status = Await([&](auto cb) {
      return store_->ReadBytes(kGeometry.page_start(4) + 100, whole.size(), whole.data(), cb);
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(std::memcmp(whole.data(), pages[0].data() + 100, kPageSize - 100), 0);
    EXPECT_EQ(std::memcmp(whole.data() + 2 * kPageSize - 100, pages[2].data(), kPageSize - 100), 0);
    std::filesystem::remove_all(dir_.Path("log"));
  }
}

TEST_P(SegmentStoreTest, ReadBytesRejectsBadRanges) {
  OpenStore();
  ASSERT_TRUE(Write(0, MakePage(0)).ok());
  std::vector<std::byte> dest(100);
  auto start = [&](LogAddress address, size_t length) {
    return store_->ReadBytes(address, length, dest.data(), [](Status) { ADD_FAILURE(); });
  };
  EXPECT_EQ(start(64, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(start(kSegmentSize - 10, 20).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(start(kMaxAddress, 2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(start(kSegmentSize * 9, 20).code(), StatusCode::kNotFound);  // no such file
  // Past the end of an existing file.
  Status status =
      Await([&](auto cb) { return store_->ReadBytes(3 * kPageSize, 20, dest.data(), cb); });
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  status = Await([&](auto cb) { return store_->ReadBytes(kPageSize - 10, 20, dest.data(), cb); });
  EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
}

TEST_P(SegmentStoreTest, FlippedByteOnDiskIsCorruptionNamingFileAndOffset) {
  OpenStore();
  for (uint64_t n = 0; n < 8; ++n) ASSERT_TRUE(Write(n, MakePage(n)).ok());
  // Page 5 is the second page of log.1.
  uint64_t offset = kPageSize + kPageHeaderSize + 100;
  PokeFile(1, offset, PeekFile(1, offset) ^ std::byte{0x01});
  AlignedBuffer dest(kPageSize);
  Status status = Read(5, dest);
  EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(1) + " offset 4096")) << status.ToString();
  EXPECT_TRUE(Contains(status, "checksum mismatch")) << status.ToString();
  // Its neighbours are intact.
  EXPECT_TRUE(Read(4, dest).ok());
  EXPECT_TRUE(Read(6, dest).ok());
}

TEST_P(SegmentStoreTest, TruncatedSegmentIsReportedNotAccepted) {
  OpenStore();
  for (uint64_t n = 4; n < 8; ++n) ASSERT_TRUE(Write(n, MakePage(n)).ok());
  ASSERT_EQ(truncate(SegmentFile(1).c_str(), kPageSize + 2048), 0);
  AlignedBuffer dest(kPageSize);
  Status status = Read(5, dest);  // half of it is left
  EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(1) + " offset 4096")) << status.ToString();
  EXPECT_TRUE(Contains(status, "file ends after 2048")) << status.ToString();
  status = Read(6, dest);  // nothing is left: never written, as far as the file tells
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  EXPECT_TRUE(Contains(status, "past the end")) << status.ToString();
  EXPECT_TRUE(Read(4, dest).ok());
}

TEST_P(SegmentStoreTest, HoleInSegmentIsUnwritten) {
  OpenStore();
  ASSERT_TRUE(Write(3, MakePage(3)).ok());
  AlignedBuffer dest(kPageSize);
  Status status = Read(1, dest);
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  EXPECT_TRUE(Contains(status, "never written")) << status.ToString();
  status = Read(9, dest);  // its segment file does not exist
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(2))) << status.ToString();
}

TEST_P(SegmentStoreTest, WrongPageNumberInHeader) {
  OpenStore();
  ASSERT_TRUE(Write(5, MakePage(5)).ok());
  // Page 7's bytes land where page 6 belongs (a misdirected write).
  AlignedBuffer page7 = MakePage(7);
  int fd = open(SegmentFile(1).c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, page7.data(), kPageSize, 2 * kPageSize), static_cast<ssize_t>(kPageSize));
  close(fd);
  AlignedBuffer dest(kPageSize);
  Status status = Read(6, dest);
  EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
  EXPECT_TRUE(Contains(status, "wrong page number 7")) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(1) + " offset 8192")) << status.ToString();
}

TEST_P(SegmentStoreTest, WritePageRejectsBadBuffers) {
  OpenStore();
  AlignedBuffer page = MakePage(2);
  auto start = [&](uint64_t n, const std::byte* data) {
    return store_->WritePage(n, data, [](Status) { ADD_FAILURE(); });
  };
  EXPECT_EQ(start(3, page.data()).code(), StatusCode::kInvalidArgument);  // sealed for 2
  EXPECT_EQ(start(kGeometry.max_page() + 1, page.data()).code(), StatusCode::kInvalidArgument);
  AlignedBuffer unaligned(2 * kPageSize);
  EXPECT_EQ(start(2, unaligned.data() + 8).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->in_flight(), 0u);
}

TEST_P(SegmentStoreTest, WriteErrorsSurfaceWithTheFile) {
  InjectFaults();
  OpenStore();
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes(), .first = 0, .max_fires = 1},
                    .action = FaultAction::Error(EIO)});
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes(), .first = 1, .max_fires = 1},
                    .action = FaultAction::Error(ENOSPC)});
  Status status = Write(6, MakePage(6));
  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  EXPECT_EQ(status.sys_errno(), EIO);
  EXPECT_TRUE(Contains(status, "write page 6 to " + SegmentFile(1) + " offset 8192"))
      << status.ToString();
  status = Write(6, MakePage(6));
  EXPECT_EQ(status.code(), StatusCode::kNoSpace) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(1))) << status.ToString();
  // Nothing reached the file: the page reads as never written.
  AlignedBuffer dest(kPageSize);
  EXPECT_EQ(Read(6, dest).code(), StatusCode::kNotFound);
  // The third write goes through.
  ASSERT_TRUE(Write(6, MakePage(6)).ok());
  EXPECT_TRUE(Read(6, dest).ok());
}

TEST_P(SegmentStoreTest, ReadAndSyncErrorsSurfaceWithTheFile) {
  InjectFaults();
  OpenStore();
  ASSERT_TRUE(Write(1, MakePage(1)).ok());
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Reads(), .max_fires = 2},
                    .action = FaultAction::Error(EIO)});
  faults_->AddRule({.match = {.opcodes = {IoOpcode::kFdatasync}, .max_fires = 1},
                    .action = FaultAction::Error(EIO)});
  AlignedBuffer dest(kPageSize);
  Status status = Read(1, dest);
  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(0))) << status.ToString();
  std::vector<std::byte> bytes(10);
  status = Await([&](auto cb) { return store_->ReadBytes(4096 + 64, 10, bytes.data(), cb); });
  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  EXPECT_TRUE(Contains(status, SegmentFile(0))) << status.ToString();

  status = Sync();
  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  EXPECT_TRUE(Contains(status, "fdatasync " + SegmentFile(0))) << status.ToString();
  EXPECT_TRUE(Sync().ok());
}

TEST_P(SegmentStoreTest, TornWriteReadsAsCorruptionNotGarbage) {
  InjectFaults();
  // Buffered, so that the torn prefix may end anywhere inside the page.
  OpenStore(/*direct_io=*/false);
  // Page 2 holds an old version; its rewrite tears after 1 KiB, page 3's after 2 KiB.
  ASSERT_TRUE(Write(2, MakePage(2)).ok());
  AlignedBuffer rewrite = MakePage(2);
  // Same page number, other records: the torn mix of old and new must not verify.
  {
    std::vector<TestRecord> unused;
    AlignedBuffer other = MakePage(6, &unused);
    std::memcpy(rewrite.data() + kPageHeaderSize, other.data() + kPageHeaderSize,
                kPageSize - kPageHeaderSize);
    ASSERT_TRUE(SealPage(rewrite.span(), 2, ReadPageHeader(other.span()).used_length).ok());
  }
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes(), .max_fires = 1},
                    .action = FaultAction::TornWrite(1024, EIO)});
  faults_->AddRule({.match = {.opcodes = IoOpcodeSet::Writes(), .max_fires = 1},
                    .action = FaultAction::TornWrite(2048, EIO)});
  EXPECT_EQ(Write(2, rewrite).code(), StatusCode::kIoError);
  EXPECT_EQ(Write(3, MakePage(3)).code(), StatusCode::kIoError);
  EXPECT_EQ(faults_->counters().torn_writes, 2u);

  AlignedBuffer dest(kPageSize);
  for (uint64_t n : {2, 3}) {
    Status status = Read(n, dest);
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
    EXPECT_TRUE(Contains(status, SegmentFile(0))) << status.ToString();
  }
}

TEST_P(SegmentStoreTest, DeleteSegmentsBelowRemovesExactlyWholeSegments) {
  OpenStore();
  for (uint64_t n = 0; n < 20; ++n) ASSERT_TRUE(Write(n, MakePage(n)).ok());
  ASSERT_EQ(store_->segment_files().size(), 5u);

  ASSERT_TRUE(store_->DeleteSegmentsBelow(kGeometry.segment_start(2) - 1).ok());  // inside 1
  EXPECT_FALSE(std::filesystem::exists(SegmentFile(0)));
  EXPECT_TRUE(std::filesystem::exists(SegmentFile(1)));

  // An operation in flight on a segment keeps it.
  AlignedBuffer dest(kPageSize);
  std::optional<Status> read;
  ASSERT_TRUE(store_->ReadPage(13, dest.data(), [&](Status s) { read = std::move(s); }).ok());
  Status busy = store_->DeleteSegmentsBelow(kGeometry.segment_start(4));
  EXPECT_EQ(busy.code(), StatusCode::kBusy) << busy.ToString();
  EXPECT_TRUE(std::filesystem::exists(SegmentFile(1)));
  engine_->Drain();
  ASSERT_TRUE(read.has_value() && read->ok());

  ASSERT_TRUE(store_->DeleteSegmentsBelow(kGeometry.segment_start(4)).ok());  // exactly at 4
  for (uint64_t segment : {0, 1, 2, 3}) EXPECT_FALSE(std::filesystem::exists(SegmentFile(segment)));
  EXPECT_TRUE(std::filesystem::exists(SegmentFile(4)));
  EXPECT_EQ(store_->segment_files(), (std::set<uint64_t>{4}));
  EXPECT_EQ(store_->open_segment_count(), 1u);
  EXPECT_EQ(Read(5, dest).code(), StatusCode::kNotFound);
  EXPECT_TRUE(Read(17, dest).ok());
  ASSERT_TRUE(Sync().ok());  // the unlinks made durable
  ASSERT_TRUE(store_->DeleteSegmentsBelow(0).ok());
  EXPECT_TRUE(std::filesystem::exists(SegmentFile(4)));
}

TEST_P(SegmentStoreTest, ReopenDiscoversSegments) {
  OpenStore();
  for (uint64_t n = 0; n < 14; ++n) ASSERT_TRUE(Write(n, MakePage(n)).ok());
  ASSERT_TRUE(store_->DeleteSegmentsBelow(kGeometry.segment_start(1)).ok());
  ASSERT_TRUE(Sync().ok());
  store_.reset();

  // Files that are not segments are left alone.
  for (const char* name : {"log.x", "log.07", "log.", "log.1.tmp", "other", "log.-1"}) {
    std::ofstream(dir_.Path("log") + "/" + name) << "x";
  }
  OpenStore();
  EXPECT_EQ(store_->segment_files(), (std::set<uint64_t>{1, 2, 3}));
  EXPECT_EQ(store_->open_segment_count(), 0u);  // opened lazily
  AlignedBuffer dest(kPageSize);
  for (uint64_t n = 4; n < 14; ++n) {
    Status status = Read(n, dest);
    ASSERT_TRUE(status.ok()) << n << ": " << status.ToString();
    EXPECT_EQ(std::memcmp(dest.data(), MakePage(n).data(), kPageSize), 0);
  }
  EXPECT_EQ(Read(14, dest).code(), StatusCode::kNotFound);
  EXPECT_TRUE(std::filesystem::exists(dir_.Path("log") + "/log.07"));
}

TEST_P(SegmentStoreTest, OpenRejectsSegmentLargerThanGeometry) {
  std::filesystem::create_directories(dir_.Path("log"));
  std::ofstream(dir_.Path("log") + "/log.3") << "x";
  ASSERT_EQ(truncate((dir_.Path("log") + "/log.3").c_str(), kSegmentSize + 1), 0);
  auto store = SegmentStore::Open(*engine_, {.directory = dir_.Path("log"), .geometry = kGeometry});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_TRUE(Contains(store.status(), "log.3")) << store.status().ToString();
}

TEST_P(SegmentStoreTest, SyncWithNothingWrittenStillCallsBack) {
  OpenStore();
  EXPECT_TRUE(Sync().ok());
  ASSERT_TRUE(Write(0, MakePage(0)).ok());
  EXPECT_TRUE(Sync().ok());
  EXPECT_TRUE(Sync().ok());
}

TEST_P(SegmentStoreTest, DestructionWaitsForOperations) {
  OpenStore();
  std::vector<AlignedBuffer> pages;
  int done = 0;
  for (uint64_t n = 0; n < 8; ++n) {
    pages.push_back(MakePage(n));
    ASSERT_TRUE(store_
                    ->WritePage(n, pages.back().data(),
                                [&](Status s) {
                                  EXPECT_TRUE(s.ok());
                                  ++done;
                                })
                    .ok());
  }
  store_.reset();
  EXPECT_EQ(done, 8);
  EXPECT_EQ(engine_->in_flight(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, SegmentStoreTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineTestName);

TEST(SegmentStoreOpenTest, RejectsBadGeometry) {
  auto engine = CreateIoEngine(IoEngineKind::kThreads, IoOptions{});
  ASSERT_TRUE(engine.ok());
  TempDir dir;
  auto store = SegmentStore::Open(**engine, {.directory = dir.Path("log"), .geometry = {12, 11}});
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  store = SegmentStore::Open(**engine, {.directory = "", .geometry = kGeometry});
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferrite
