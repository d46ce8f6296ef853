// The contract every IoEngine keeps, checked on real files with each engine: the
// storage layers above rely on exactly these properties, whichever engine runs.
#include "io/io_engine.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "io/engine_factory.h"
#include "io/temp_dir.h"

namespace ferrite {
namespace {

class IoEngineTest : public ::testing::TestWithParam<IoEngineKind> {
 protected:
  void SetUp() override {
    IoOptions options;
    options.uring_entries = 64;  // small, so that batches overflow the ring
    options.registered_buffers = 8;
    auto engine = CreateIoEngine(GetParam(), options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  int OpenFile(const std::string& name, int flags = O_RDWR | O_CREAT) {
    int fd = open(dir_.Path(name).c_str(), flags | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0) << std::strerror(errno);
    fds_.push_back(fd);
    return fd;
  }
  void TearDown() override {
    engine_.reset();
    for (int fd : fds_) close(fd);
  }

  // Runs one request to completion and returns its result.
  IoResult RunOne(IoRequest& request) {
    std::optional<IoResult> outcome;
    request.callback = [&](IoResult result) { outcome = result; };
    engine_->Prepare(request);
    engine_->Drain();
    EXPECT_TRUE(outcome.has_value());
    return outcome.value_or(IoResult::Error(EPROTO));
  }
  IoResult Write(int fd, const void* data, size_t length, uint64_t offset) {
    IoRequest request{.opcode = IoOpcode::kWrite, .fd = fd, .offset = offset,
                      .buffer = const_cast<void*>(data), .length = length};
    return RunOne(request);
  }
  IoResult Read(int fd, void* data, size_t length, uint64_t offset) {
    IoRequest request{.opcode = IoOpcode::kRead, .fd = fd, .offset = offset, .buffer = data,
                      .length = length};
    return RunOne(request);
  }

  static std::string Pattern(size_t length, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string out(length, '\0');
    for (char& c : out) c = static_cast<char>(rng());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<IoEngine> engine_;
  std::vector<int> fds_;
};

TEST_P(IoEngineTest, DataRoundTripsAtManySizesAndOffsets) {
  int fd = OpenFile("data");
  const size_t sizes[] = {1, 7, 511, 512, 4095, 4096, 4097, 65536, 65537, (1 << 20) + 3};
  const uint64_t offsets[] = {0, 1, 4096, 12345, uint64_t{1} << 32};
  uint32_t seed = 1;
  for (size_t size : sizes) {
    for (uint64_t offset : offsets) {
      std::string data = Pattern(size, seed++);
      IoResult written = Write(fd, data.data(), data.size(), offset);
      ASSERT_TRUE(written.ok()) << std::strerror(written.error());
      EXPECT_EQ(written.bytes(), size);
      std::string back(size, '\0');
      IoResult read = Read(fd, back.data(), back.size(), offset);
      ASSERT_TRUE(read.ok()) << std::strerror(read.error());
      EXPECT_EQ(read.bytes(), size);
      EXPECT_EQ(back, data) << "size " << size << " offset " << offset;
    }
  }
  EXPECT_EQ(engine_->in_flight(), 0u);
}

TEST_P(IoEngineTest, VectoredWritesAndReadsSplitAcrossPieces) {
  int fd = OpenFile("vectored");
  std::string a = Pattern(100, 1), b = Pattern(5000, 2), c = Pattern(3, 3);
  iovec out[] = {{a.data(), a.size()}, {b.data(), b.size()}, {c.data(), c.size()}};
  IoRequest write{.opcode = IoOpcode::kWritev, .fd = fd, .offset = 777, .iov = out,
                  .iov_count = 3};
  IoResult written = RunOne(write);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written.bytes(), 5103u);

  // Read back into differently cut pieces.
  std::string x(2000, '\0'), y(3103, '\0');
  iovec in[] = {{x.data(), x.size()}, {y.data(), y.size()}};
  IoRequest read{.opcode = IoOpcode::kReadv, .fd = fd, .offset = 777, .iov = in, .iov_count = 2};
  IoResult got = RunOne(read);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.bytes(), 5103u);
  EXPECT_EQ(x + y, a + b + c);
}

TEST_P(IoEngineTest, ReadsStopAtEndOfFile) {
  int fd = OpenFile("short");
  std::string data = Pattern(6000, 9);
  ASSERT_TRUE(Write(fd, data.data(), data.size(), 0).ok());
  std::string back(8192, 'x');
  IoResult read = Read(fd, back.data(), back.size(), 0);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.bytes(), 6000u);
  EXPECT_EQ(back.substr(0, 6000), data);
  EXPECT_EQ(Read(fd, back.data(), back.size(), 100000), IoResult::Bytes(0));
}

TEST_P(IoEngineTest, PartialReadsAreCompletedByTheEngine) {
  // A pipe returns what it holds: a read of 8 KiB with 4 KiB written is short for
  // real, and the engine must go on reading rather than hand back half.
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  fds_.push_back(pipe_fds[0]);
  fds_.push_back(pipe_fds[1]);
  std::string data = Pattern(8192, 4);
  ASSERT_EQ(write(pipe_fds[1], data.data(), 4096), 4096);

  std::string back(8192, '\0');
  std::optional<IoResult> outcome;
  IoRequest request{.opcode = IoOpcode::kRead, .fd = pipe_fds[0], .offset = kCurrentPosition,
                    .buffer = back.data(), .length = back.size()};
  request.callback = [&](IoResult result) { outcome = result; };
  engine_->Prepare(request);
  engine_->Submit();
  for (int i = 0; i < 20; ++i) {
    engine_->Poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_FALSE(outcome.has_value()) << "completed with half of the data";
  ASSERT_EQ(write(pipe_fds[1], data.data() + 4096, 4096), 4096);
  engine_->Drain();
  ASSERT_TRUE(outcome.has_value());
  ASSERT_TRUE(outcome->ok()) << std::strerror(outcome->error());
  EXPECT_EQ(outcome->bytes(), 8192u);
  EXPECT_EQ(back, data);
  EXPECT_GE(engine_->stats().resubmissions, 1u);
}

TEST_P(IoEngineTest, DirectIoFollowsAlignmentRules) {
  int fd = OpenFile("direct", O_RDWR | O_CREAT | O_DIRECT);
  AlignedBuffer buffer(8192);
  std::string data = Pattern(8192, 5);
  std::memcpy(buffer.data(), data.data(), data.size());
  ASSERT_EQ(Write(fd, buffer.data(), 8192, 4096), IoResult::Bytes(8192));

  AlignedBuffer back(8192);
  ASSERT_EQ(Read(fd, back.data(), 8192, 4096), IoResult::Bytes(8192));
  EXPECT_EQ(std::memcmp(back.data(), data.data(), 8192), 0);

  // Misaligned memory, offset or length: the kernel refuses, and both engines say so
  // with the same errno.
  EXPECT_EQ(Read(fd, back.data() + 1, 4096, 4096), IoResult::Error(EINVAL));
  EXPECT_EQ(Read(fd, back.data(), 4096, 4097), IoResult::Error(EINVAL));
  EXPECT_EQ(Write(fd, buffer.data(), 100, 0), IoResult::Error(EINVAL));
}

TEST_P(IoEngineTest, PooledBuffersWorkWithDirectIo) {
  int fd = OpenFile("pooled", O_RDWR | O_CREAT | O_DIRECT);
  ASSERT_TRUE(engine_->RegisterFile(fd).ok());
  IoBuffer out = engine_->buffers().Acquire();
  IoBuffer in = engine_->buffers().Acquire();
  ASSERT_TRUE(out && in);
  EXPECT_NE(out.index(), in.index());
  std::string data = Pattern(out.size(), 6);
  std::memcpy(out.data(), data.data(), data.size());
  ASSERT_EQ(Write(fd, out.data(), out.size(), 0), IoResult::Bytes(out.size()));
  // Part of a pooled buffer is still inside it.
  ASSERT_EQ(Read(fd, in.data(), 4096, 0), IoResult::Bytes(4096));
  ASSERT_EQ(Read(fd, in.data() + 4096, in.size() - 4096, 4096), IoResult::Bytes(in.size() - 4096));
  EXPECT_EQ(std::memcmp(in.data(), data.data(), data.size()), 0);
  engine_->UnregisterFile(fd);
  ASSERT_EQ(Read(fd, in.data(), 4096, 0), IoResult::Bytes(4096));
}

TEST_P(IoEngineTest, BatchesOfOneTo4096Operations) {
  int fd = OpenFile("batches");
  for (size_t count : {1, 2, 8, 63, 64, 65, 128, 129, 500, 1024, 4096}) {
    std::vector<IoRequest> requests(count);
    std::vector<std::string> blocks(count);
    std::vector<int> calls(count, 0);
    uint64_t submits_before = engine_->stats().submit_calls;
    for (size_t i = 0; i < count; ++i) {
      blocks[i] = Pattern(512, static_cast<uint32_t>(count * 10000 + i));
      requests[i] = IoRequest{.opcode = IoOpcode::kWrite, .fd = fd, .offset = i * 512,
                              .buffer = blocks[i].data(), .length = 512};
      requests[i].callback = [&calls, i](IoResult result) {
        EXPECT_EQ(result, IoResult::Bytes(512));
        ++calls[i];
      };
      engine_->Prepare(requests[i]);
    }
    EXPECT_EQ(engine_->in_flight(), count);
    engine_->Submit();
    if (count <= 64) {
      // A batch that fits the ring goes to the kernel (or the pool) in one call.
      EXPECT_EQ(engine_->stats().submit_calls, submits_before + 1) << count;
    }
    engine_->Drain();
    EXPECT_EQ(engine_->in_flight(), 0u);
    for (size_t i = 0; i < count; ++i) ASSERT_EQ(calls[i], 1) << "request " << i << " of " << count;

    std::vector<std::string> back(count, std::string(512, '\0'));
    for (size_t i = 0; i < count; ++i) {
      requests[i] = IoRequest{.opcode = IoOpcode::kRead, .fd = fd, .offset = i * 512,
                              .buffer = back[i].data(), .length = 512};
      requests[i].callback = [&calls, i](IoResult result) {
        EXPECT_EQ(result, IoResult::Bytes(512));
        ++calls[i];
      };
      engine_->Prepare(requests[i]);
    }
    engine_->Drain();
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(calls[i], 2);
      ASSERT_EQ(back[i], blocks[i]) << "block " << i << " of " << count;
    }
  }
}

TEST_P(IoEngineTest, CallbacksRunOnTheOwnerOnlyWhenPolled) {
  int fd = OpenFile("callbacks");
  std::string data = Pattern(4096, 7);
  bool inside_engine_call = false;
  int calls = 0;
  std::vector<IoRequest> requests(32);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i] = IoRequest{.opcode = IoOpcode::kWrite, .fd = fd, .offset = i * 4096,
                            .buffer = data.data(), .length = data.size()};
    requests[i].callback = [&, owner = std::this_thread::get_id()](IoResult result) {
      EXPECT_TRUE(result.ok());
      EXPECT_FALSE(inside_engine_call) << "a callback ran inside Prepare() or Submit()";
      EXPECT_EQ(std::this_thread::get_id(), owner);
      ++calls;
    };
    inside_engine_call = true;
    engine_->Prepare(requests[i]);
    if (i % 4 == 3) engine_->Submit();
    inside_engine_call = false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // let some complete
  }
  EXPECT_EQ(calls, 0);
  engine_->Drain();
  EXPECT_EQ(calls, 32);
}

TEST_P(IoEngineTest, CallbacksMayChainAndDestroyTheirRequests) {
  // Each write's callback prepares the next one: a log appending record after record.
  int fd = OpenFile("chain");
  std::string data = Pattern(100 * 64, 8);
  int written = 0;
  std::function<void(size_t)> write_next = [&](size_t i) {
    auto* request = new IoRequest{.opcode = IoOpcode::kWrite, .fd = fd, .offset = i * 64,
                                  .buffer = data.data() + i * 64, .length = 64};
    request->callback = [&, request, i](IoResult result) {
      EXPECT_EQ(result, IoResult::Bytes(64));
      EXPECT_EQ(static_cast<size_t>(written), i) << "chained writes completed out of order";
      ++written;
      delete request;  // the engine is done with it once the callback runs
      if (i + 1 < 100) write_next(i + 1);
    };
    engine_->Prepare(*request);
    engine_->Submit();
  };
  write_next(0);
  engine_->Drain();
  EXPECT_EQ(written, 100);
  std::string back(data.size(), '\0');
  ASSERT_EQ(pread(fd, back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
  EXPECT_EQ(back, data);
}

TEST_P(IoEngineTest, ErrorsCarryTheirErrno) {
  int read_only = OpenFile("errors", O_RDONLY | O_CREAT);
  char buffer[64] = {};
  EXPECT_EQ(Write(read_only, buffer, sizeof(buffer), 0), IoResult::Error(EBADF));
  EXPECT_EQ(Read(-1, buffer, sizeof(buffer), 0), IoResult::Error(EBADF));
  int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  fds_.push_back(full);
  EXPECT_EQ(Write(full, buffer, sizeof(buffer), 0), IoResult::Error(ENOSPC));
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  fds_.push_back(pipe_fds[0]);
  fds_.push_back(pipe_fds[1]);
  IoRequest sync{.opcode = IoOpcode::kFsync, .fd = pipe_fds[1]};
  EXPECT_EQ(RunOne(sync), IoResult::Error(EINVAL));
  EXPECT_EQ(engine_->stats().errors, 4u);
  EXPECT_EQ(IoResult::Error(ENOSPC).ToStatus("append").code(), StatusCode::kNoSpace);
}

TEST_P(IoEngineTest, SyncsAndStatistics) {
  int fd = OpenFile("sync");
  std::string data = Pattern(10000, 10);
  ASSERT_TRUE(Write(fd, data.data(), data.size(), 0).ok());
  IoRequest fsync_request{.opcode = IoOpcode::kFsync, .fd = fd};
  EXPECT_EQ(RunOne(fsync_request), IoResult::Bytes(0));
  IoRequest fdatasync_request{.opcode = IoOpcode::kFdatasync, .fd = fd};
  EXPECT_EQ(RunOne(fdatasync_request), IoResult::Bytes(0));
  std::string back(10000, '\0');
  ASSERT_TRUE(Read(fd, back.data(), back.size(), 0).ok());

  const IoStats& stats = engine_->stats();
  EXPECT_EQ(stats.completed_by_opcode[static_cast<size_t>(IoOpcode::kWrite)], 1u);
  EXPECT_EQ(stats.completed_by_opcode[static_cast<size_t>(IoOpcode::kRead)], 1u);
  EXPECT_EQ(stats.completed_by_opcode[static_cast<size_t>(IoOpcode::kFsync)], 1u);
  EXPECT_EQ(stats.completed_by_opcode[static_cast<size_t>(IoOpcode::kFdatasync)], 1u);
  EXPECT_EQ(stats.bytes_written, 10000u);
  EXPECT_EQ(stats.bytes_read, 10000u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.latency.count(), 4u);
  engine_->ResetStats();
  EXPECT_EQ(engine_->stats().completed(), 0u);
}

TEST_P(IoEngineTest, CompletionFdWakesTheOwnersLoop) {
  int fd = OpenFile("wake");
  int completion_fd = engine_->completion_fd();
  ASSERT_GE(completion_fd, 0);
  std::string data = Pattern(4096, 11);
  bool done = false;
  IoRequest request{.opcode = IoOpcode::kWrite, .fd = fd, .buffer = data.data(),
                    .length = data.size()};
  request.callback = [&](IoResult result) {
    EXPECT_TRUE(result.ok());
    done = true;
  };
  engine_->Prepare(request);
  engine_->Submit();
  // As an event loop would: sleep in poll() until the engine's fd is readable.
  while (!done) {
    pollfd ready{.fd = completion_fd, .events = POLLIN, .revents = 0};
    ASSERT_EQ(poll(&ready, 1, 10000), 1) << "no wake-up for a completed write";
    engine_->Poll();
  }
  // Once reaped, the fd is quiet again.
  pollfd quiet{.fd = completion_fd, .events = POLLIN, .revents = 0};
  EXPECT_EQ(poll(&quiet, 1, 0), 0);
}

TEST_P(IoEngineTest, DestructionDrainsOperationsInFlight) {
  int fd = OpenFile("shutdown");
  std::string data = Pattern(1 << 20, 12);
  ASSERT_EQ(pwrite(fd, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  const size_t count = 300;
  std::vector<IoRequest> requests(count);
  std::vector<std::string> back(count, std::string(4096, '\0'));
  int calls = 0;
  bool destroyed = false;
  for (size_t i = 0; i < count; ++i) {
    requests[i] = IoRequest{.opcode = IoOpcode::kRead, .fd = fd, .offset = (i * 4096) % data.size(),
                            .buffer = back[i].data(), .length = 4096};
    requests[i].callback = [&](IoResult result) {
      EXPECT_FALSE(destroyed) << "a callback after the engine was destroyed";
      EXPECT_EQ(result, IoResult::Bytes(4096));
      ++calls;
    };
    engine_->Prepare(requests[i]);
    if (i == count / 2) engine_->Submit();  // half in the kernel, half only prepared
  }
  engine_.reset();
  destroyed = true;
  EXPECT_EQ(calls, static_cast<int>(count));
  for (size_t i = 0; i < count; ++i) {
    ASSERT_EQ(back[i], data.substr((i * 4096) % data.size(), 4096));
  }
}

std::string EngineName(const ::testing::TestParamInfo<IoEngineKind>& param_info) {
  return std::string(IoEngineKindName(param_info.param));
}

INSTANTIATE_TEST_SUITE_P(Engines, IoEngineTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         EngineName);

}  // namespace
}  // namespace ferrite
