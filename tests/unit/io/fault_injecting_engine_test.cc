// FaultInjectingEngine over each real engine, on real files: every kind of fault does
// to the caller and to the file what it promises, the rest of the IoEngine contract
// still holds, and a seed replays the same faults.
#include "io/fault_injecting_engine.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "io/engine_factory.h"

namespace ferrite {
namespace {

constexpr size_t kBlock = 4096;

// Forwards everything to a real engine and remembers what reached it, so tests can see
// the I/Os the wrapper really issued (pieces, torn prefixes, nothing for failures).
class RecordingEngine final : public IoEngine {
 public:
  struct Op {
    IoOpcode opcode;
    int fd;
    uint64_t offset;
    size_t length;
  };

  explicit RecordingEngine(std::unique_ptr<IoEngine> real) : real_(std::move(real)) {}

  std::vector<Op> ops;

  std::string_view name() const override { return real_->name(); }
  std::string settings() const override { return real_->settings(); }
  void Prepare(IoRequest& request) override {
    ops.push_back({request.opcode, request.fd, request.offset, request.TotalLength()});
    real_->Prepare(request);
  }
  size_t Submit() override { return real_->Submit(); }
  size_t Poll() override { return real_->Poll(); }
  size_t Wait(size_t min_completions) override { return real_->Wait(min_completions); }
  int completion_fd() const override { return real_->completion_fd(); }
  size_t in_flight() const override { return real_->in_flight(); }
  Status RegisterFile(int fd) override { return real_->RegisterFile(fd); }
  void UnregisterFile(int fd) override { real_->UnregisterFile(fd); }
  IoBufferPool& buffers() override { return real_->buffers(); }
  const IoStats& stats() const override { return real_->stats(); }
  void ResetStats() override { real_->ResetStats(); }

 private:
  std::unique_ptr<IoEngine> real_;
};

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

IoRequest Transfer(IoOpcode opcode, int fd, uint64_t offset, void* buffer, size_t length) {
  IoRequest request;
  request.opcode = opcode;
  request.fd = fd;
  request.offset = offset;
  request.buffer = buffer;
  request.length = length;
  return request;
}

IoRequest Write(int fd, uint64_t offset, const std::string& data) {
  return Transfer(IoOpcode::kWrite, fd, offset, const_cast<char*>(data.data()), data.size());
}

IoRequest Read(int fd, uint64_t offset, std::string& into) {
  return Transfer(IoOpcode::kRead, fd, offset, into.data(), into.size());
}

IoRequest Vectored(IoOpcode opcode, int fd, uint64_t offset, const std::vector<iovec>& iov) {
  IoRequest request;
  request.opcode = opcode;
  request.fd = fd;
  request.offset = offset;
  request.iov = iov.data();
  request.iov_count = static_cast<int>(iov.size());
  return request;
}

IoRequest Sync(int fd) {
  IoRequest request;
  request.opcode = IoOpcode::kFsync;
  request.fd = fd;
  return request;
}

// Cuts `bytes` into iovecs of the given sizes, cycling through them.
std::vector<iovec> Chop(std::string& bytes, const std::vector<size_t>& sizes) {
  std::vector<iovec> iov;
  size_t position = 0;
  for (size_t i = 0; position < bytes.size(); ++i) {
    size_t length = std::min(sizes[i % sizes.size()], bytes.size() - position);
    iov.push_back({bytes.data() + position, length});
    position += length;
  }
  return iov;
}

struct BatchOutcome {
  std::vector<IoResult> results;
  std::vector<int> calls;
  std::vector<size_t> order;  // request indices, in the order their callbacks ran
};

// Prepares every request, submits them as one batch and drains, checking that no
// callback runs inside Prepare() or Submit() and that each runs exactly once.
BatchOutcome RunBatch(IoEngine& engine, std::vector<IoRequest>& requests) {
  BatchOutcome outcome;
  outcome.results.assign(requests.size(), IoResult::Bytes(0));
  outcome.calls.assign(requests.size(), 0);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].callback = [&outcome, i](IoResult result) {
      outcome.results[i] = result;
      ++outcome.calls[i];
      outcome.order.push_back(i);
    };
    engine.Prepare(requests[i]);
  }
  EXPECT_TRUE(outcome.order.empty()) << "a callback ran inside Prepare()";
  EXPECT_EQ(engine.in_flight(), requests.size());
  engine.Submit();
  EXPECT_TRUE(outcome.order.empty()) << "a callback ran inside Submit()";
  engine.Drain();
  EXPECT_EQ(engine.in_flight(), 0u);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(outcome.calls[i], 1) << "request " << i;
  }
  return outcome;
}

IoResult RunOne(IoEngine& engine, IoRequest request) {
  std::vector<IoRequest> requests;
  requests.push_back(std::move(request));
  return RunBatch(engine, requests).results[0];
}

class FaultInjectingEngineTest : public ::testing::TestWithParam<IoEngineKind> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ferrite-fault-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << strerror(errno);
    dir_ = pattern;
    auto probe = CreateIoEngine(GetParam(), IoOptions{});
    if (!probe.ok()) {
      GTEST_SKIP() << IoEngineKindName(GetParam())
                   << " engine unavailable here: " << probe.status().ToString();
    }
  }

  void TearDown() override {
    for (int fd : fds_) close(fd);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A wrapper around a fresh engine of the kind under test; `recorder_` shows what
  // reached that engine.
  std::unique_ptr<FaultInjectingEngine> MakeEngine(uint64_t seed, bool shuffle = true) {
    auto real = CreateIoEngine(GetParam(), IoOptions{});
    EXPECT_TRUE(real.ok()) << real.status().ToString();
    if (!real.ok()) return nullptr;
    auto recorder = std::make_unique<RecordingEngine>(std::move(real).value());
    recorder_ = recorder.get();
    FaultOptions options;
    options.seed = seed;
    options.shuffle_released = shuffle;
    auto engine = FaultInjectingEngine::Create(std::move(recorder), options);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    if (!engine.ok()) return nullptr;
    return std::move(engine).value();
  }

  int OpenFile(const std::string& name) {
    std::string path = dir_ + "/" + name;
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0) << path << ": " << strerror(errno);
    fds_.push_back(fd);
    return fd;
  }

  static std::string Contents(int fd) {
    struct stat st {};
    EXPECT_EQ(fstat(fd, &st), 0);
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    EXPECT_EQ(done, bytes.size());
    return bytes;
  }

  static void SetContents(int fd, const std::string& bytes) {
    ASSERT_EQ(ftruncate(fd, 0), 0);
    ASSERT_EQ(pwrite(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  }

  std::string dir_;
  std::vector<int> fds_;
  RecordingEngine* recorder_ = nullptr;  // owned by the engine MakeEngine() returned last
};

TEST_P(FaultInjectingEngineTest, WithoutRulesBehavesLikeTheInnerEngine) {
  auto engine = MakeEngine(42);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->name(), "faulty(" + std::string(IoEngineKindName(GetParam())) + ")");
  EXPECT_NE(engine->settings().find("seed=42"), std::string::npos) << engine->settings();
  int fd = OpenFile("plain");
  std::string data = RandomBytes(3 * kBlock + 17, 1);
  EXPECT_EQ(RunOne(*engine, Write(fd, 100, data)), IoResult::Bytes(data.size()));
  EXPECT_TRUE(RunOne(*engine, Sync(fd)).ok());
  std::string back(data.size(), '\0');
  EXPECT_EQ(RunOne(*engine, Read(fd, 100, back)), IoResult::Bytes(data.size()));
  EXPECT_EQ(back, data);
  EXPECT_EQ(recorder_->ops.size(), 3u);
  EXPECT_EQ(engine->stats().completed(), 3u);
  EXPECT_EQ(engine->stats().bytes_written, data.size());
  EXPECT_EQ(engine->stats().bytes_read, data.size());
  EXPECT_EQ(engine->counters().operations, 3u);
  EXPECT_TRUE(engine->fault_log().empty());
}

TEST_P(FaultInjectingEngineTest, ErrorRuleHitsExactlyTheChosenOperation) {
  auto engine = MakeEngine(7);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("nth");
  SetContents(fd, std::string(10 * kBlock, 'x'));
  engine->AddRule({.match = {.first = 3, .max_fires = 1}, .action = FaultAction::Error(EIO)});

  std::vector<std::string> blocks;
  for (int i = 0; i < 10; ++i) blocks.emplace_back(kBlock, static_cast<char>('a' + i));
  std::vector<IoRequest> requests;
  for (size_t i = 0; i < 10; ++i) requests.push_back(Write(fd, i * kBlock, blocks[i]));
  BatchOutcome outcome = RunBatch(*engine, requests);
  for (size_t i = 0; i < 10; ++i) {
    if (i == 3) {
      EXPECT_EQ(outcome.results[i], IoResult::Error(EIO));
    } else {
      EXPECT_EQ(outcome.results[i], IoResult::Bytes(kBlock)) << "request " << i;
    }
  }
  std::string expected;
  for (size_t i = 0; i < 10; ++i) expected += i == 3 ? std::string(kBlock, 'x') : blocks[i];
  EXPECT_EQ(Contents(fd), expected);
  // The failed write never reached the inner engine.
  EXPECT_EQ(recorder_->ops.size(), 9u);
  for (const RecordingEngine::Op& op : recorder_->ops) EXPECT_NE(op.offset, 3 * kBlock);

  EXPECT_EQ(engine->counters().errors, 1u);
  EXPECT_EQ(engine->rule_fires(0), 1u);
  ASSERT_EQ(engine->fault_log().size(), 1u);
  EXPECT_EQ(engine->fault_log()[0].op_index, 3u);
  EXPECT_EQ(engine->fault_log()[0].kind, FaultKind::kError);
  EXPECT_EQ(engine->fault_log()[0].ToString(),
            "op 3 write fd=" + std::to_string(fd) + " offset=12288 length=4096: EIO (rule 0)");
  EXPECT_EQ(engine->stats().errors, 1u);
  EXPECT_EQ(engine->stats().bytes_written, 9 * kBlock);

  // max_fires = 1: the rule is spent.
  std::vector<IoRequest> again;
  for (size_t i = 0; i < 10; ++i) again.push_back(Write(fd, i * kBlock, blocks[i]));
  for (const IoResult& result : RunBatch(*engine, again).results) EXPECT_TRUE(result.ok());
  EXPECT_EQ(engine->counters().errors, 1u);
}

TEST_P(FaultInjectingEngineTest, ErrorRulesMatchFdOpcodesAndPredicates) {
  auto engine = MakeEngine(8);
  ASSERT_NE(engine, nullptr);
  int a = OpenFile("a");
  int b = OpenFile("b");
  engine->AddRule(
      {.match = {.opcodes = IoOpcodeSet::Writes(), .fd = b}, .action = FaultAction::Error(EIO)});
  engine->AddRule(
      {.match = {.predicate = [a](const IoRequest& r) { return r.fd == a && r.offset == 8192; }},
       .action = FaultAction::Error(EROFS)});
  std::string data(kBlock, 'd');
  std::string scratch(kBlock, '\0');
  std::vector<iovec> iov = {{data.data(), 100}, {data.data() + 100, kBlock - 100}};
  std::vector<IoRequest> requests;
  requests.push_back(Write(a, 0, data));                            // 0 ok
  requests.push_back(Write(b, 0, data));                            // 1 EIO
  requests.push_back(Vectored(IoOpcode::kWritev, b, kBlock, iov));  // 2 EIO
  requests.push_back(Read(b, 0, scratch));                          // 3 ok (empty file)
  requests.push_back(Sync(b));                                      // 4 ok
  requests.push_back(Write(a, 4096, data));                         // 5 ok
  requests.push_back(Write(a, 8192, data));                         // 6 EROFS
  requests.push_back(Sync(a));                                      // 7 ok
  BatchOutcome outcome = RunBatch(*engine, requests);
  std::vector<int> errors;
  for (const IoResult& result : outcome.results) errors.push_back(result.error());
  EXPECT_EQ(errors, (std::vector<int>{0, EIO, EIO, 0, 0, 0, EROFS, 0}));
  EXPECT_EQ(outcome.results[3], IoResult::Bytes(0));
  EXPECT_EQ(Contents(a), data + data);
  EXPECT_EQ(Contents(b), "");
  EXPECT_EQ(engine->rule_fires(0), 2u);
  EXPECT_EQ(engine->rule_fires(1), 1u);
  EXPECT_EQ(engine->counters().errors, 3u);
}

TEST_P(FaultInjectingEngineTest, NoSpaceReachesTheCallerAndLeavesTheFileUnchanged) {
  auto engine = MakeEngine(9);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("full");
  std::string original = RandomBytes(2 * kBlock, 2);
  SetContents(fd, original);
  engine->AddRule(
      {.match = {.opcodes = IoOpcodeSet::Writes()}, .action = FaultAction::Error(ENOSPC)});
  std::string data(3 * kBlock, 'n');
  std::vector<iovec> iov = Chop(data, {1000, 5000});
  std::vector<IoRequest> requests;
  requests.push_back(Write(fd, 0, data));                         // overwrite
  requests.push_back(Vectored(IoOpcode::kWritev, fd, 100, iov));  // overwrite and extend
  requests.push_back(Write(fd, 2 * kBlock, data));                // append
  requests.push_back(Write(fd, kCurrentPosition, data));          // stream
  requests.push_back(Sync(fd));
  BatchOutcome outcome = RunBatch(*engine, requests);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(outcome.results[i].error(), ENOSPC) << "request " << i;
    Status status = outcome.results[i].ToStatus("append");
    EXPECT_EQ(status.code(), StatusCode::kNoSpace);
    EXPECT_EQ(status.sys_errno(), ENOSPC);
  }
  EXPECT_TRUE(outcome.results[4].ok());
  EXPECT_EQ(Contents(fd), original);
  EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0) << "the stream position moved";
  ASSERT_EQ(recorder_->ops.size(), 1u);
  EXPECT_EQ(recorder_->ops[0].opcode, IoOpcode::kFsync);
}

TEST_P(FaultInjectingEngineTest, InjectedFailureWakesTheEventLoopButRunsOnlyInPoll) {
  auto engine = MakeEngine(10);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("wake");
  engine->AddRule({.action = FaultAction::Error(EIO)});
  std::string data(100, 'w');
  IoRequest request = Write(fd, 0, data);
  int calls = 0;
  request.callback = [&](IoResult result) {
    ++calls;
    EXPECT_EQ(result, IoResult::Error(EIO));
  };
  pollfd ready{.fd = engine->completion_fd(), .events = POLLIN, .revents = 0};
  EXPECT_EQ(poll(&ready, 1, 0), 0) << "readable with nothing to deliver";
  engine->Prepare(request);
  EXPECT_EQ(engine->Submit(), 1u);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(engine->in_flight(), 1u);
  EXPECT_EQ(poll(&ready, 1, 0), 1) << "an injected failure must wake the owner";
  EXPECT_EQ(engine->Poll(), 1u);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(engine->in_flight(), 0u);
  EXPECT_EQ(poll(&ready, 1, 0), 0) << "still readable after everything was delivered";
}

// The failing operation indices of a workload run with random failures.
std::vector<uint64_t> FailingOperations(FaultInjectingEngine& engine, int fd,
                                        std::string* description) {
  engine.AddRule({.match = {.probability = 0.2}, .action = FaultAction::Error(EIO)});
  std::string data(512, 'r');
  std::string scratch(512, '\0');
  std::vector<uint64_t> failing;
  for (uint64_t batch = 0; batch < 10; ++batch) {
    std::vector<IoRequest> requests;
    for (uint64_t i = 0; i < 20; ++i) {
      uint64_t index = batch * 20 + i;
      if (index % 5 == 4) {
        requests.push_back(Sync(fd));
      } else if (index % 3 == 0) {
        requests.push_back(Read(fd, index * 512, scratch));
      } else {
        requests.push_back(Write(fd, index * 512, data));
      }
    }
    BatchOutcome outcome = RunBatch(engine, requests);
    for (uint64_t i = 0; i < 20; ++i) {
      if (!outcome.results[i].ok()) failing.push_back(batch * 20 + i);
    }
  }
  *description = engine.DescribeFaults();
  return failing;
}

TEST_P(FaultInjectingEngineTest, RandomFailuresReplayWithTheirSeed) {
  int fd = OpenFile("random");
  std::string first_log, second_log, other_log;
  auto first = MakeEngine(1234);
  ASSERT_NE(first, nullptr);
  std::vector<uint64_t> failing = FailingOperations(*first, fd, &first_log);
  auto second = MakeEngine(1234);
  ASSERT_NE(second, nullptr);
  std::vector<uint64_t> replayed = FailingOperations(*second, fd, &second_log);
  auto other = MakeEngine(1235);
  ASSERT_NE(other, nullptr);
  std::vector<uint64_t> different = FailingOperations(*other, fd, &other_log);

  // About one in five of 200 fail; the bounds are loose, the seed fixes the count.
  EXPECT_GT(failing.size(), 15u);
  EXPECT_LT(failing.size(), 70u);
  EXPECT_EQ(failing, replayed);
  EXPECT_EQ(first_log, second_log);
  EXPECT_NE(failing, different);
  EXPECT_NE(first_log, other_log);
  // The log names exactly the operations that failed.
  std::vector<uint64_t> logged;
  for (const FaultRecord& record : first->fault_log()) logged.push_back(record.op_index);
  EXPECT_EQ(logged, failing);
  EXPECT_EQ(first->counters().errors, failing.size());
}

// Checks that the I/Os the inner engine saw for one request tile it: contiguous, in
// order, covering [offset, offset + length), each boundary a multiple of `alignment`.
void ExpectPiecesTile(const std::vector<RecordingEngine::Op>& ops, uint64_t offset, size_t length,
                      size_t alignment) {
  uint64_t position = offset;
  for (const RecordingEngine::Op& op : ops) {
    EXPECT_EQ(op.offset, position);
    EXPECT_EQ((op.offset - offset) % alignment, 0u);
    EXPECT_GT(op.length, 0u);
    position += op.length;
  }
  EXPECT_EQ(position, offset + length);
}

TEST_P(FaultInjectingEngineTest, ShortTransfersStillMoveEveryByte) {
  auto engine = MakeEngine(99);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("short");
  engine->AddRule({.action = FaultAction::ShortTransfer(8)});
  const size_t sizes[] = {2,    3,    100,   511,   512,    513,    4095,
                          4096, 4097, 65536, 65543, 300001, 1 << 20};
  uint32_t seed = 0;
  for (size_t size : sizes) {
    SCOPED_TRACE("size " + std::to_string(size));
    uint64_t offset = 1000 + size % 7;
    std::string data = RandomBytes(size, ++seed);
    size_t before = recorder_->ops.size();
    ASSERT_EQ(RunOne(*engine, Write(fd, offset, data)), IoResult::Bytes(size));
    std::vector<RecordingEngine::Op> pieces(recorder_->ops.begin() + before, recorder_->ops.end());
    EXPECT_GE(pieces.size(), 2u);
    ExpectPiecesTile(pieces, offset, size, 1);
    EXPECT_EQ(Contents(fd).substr(offset, size), data);

    std::string back(size, '\0');
    before = recorder_->ops.size();
    ASSERT_EQ(RunOne(*engine, Read(fd, offset, back)), IoResult::Bytes(size));
    EXPECT_GE(recorder_->ops.size() - before, 2u);
    EXPECT_TRUE(back == data);

    // Vectored, with iovec boundaries that pieces cut through.
    std::string vdata = RandomBytes(size, ++seed);
    std::vector<iovec> out = Chop(vdata, {1, 7, 100, 4096, 3, 5000});
    before = recorder_->ops.size();
    ASSERT_EQ(RunOne(*engine, Vectored(IoOpcode::kWritev, fd, offset, out)), IoResult::Bytes(size));
    pieces.assign(recorder_->ops.begin() + before, recorder_->ops.end());
    ExpectPiecesTile(pieces, offset, size, 1);
    EXPECT_TRUE(Contents(fd).substr(offset, size) == vdata);
    std::string vback(size, '\0');
    std::vector<iovec> in = Chop(vback, {4096, 13, 1, 2000});
    ASSERT_EQ(RunOne(*engine, Vectored(IoOpcode::kReadv, fd, offset, in)), IoResult::Bytes(size));
    EXPECT_TRUE(vback == vdata);
  }
  EXPECT_EQ(engine->counters().short_transfers, 4 * std::size(sizes));
  // Every extra piece was one more I/O in the inner engine, and no more than that.
  EXPECT_EQ(engine->inner().stats().completed(),
            engine->stats().completed() + engine->counters().extra_pieces);
  EXPECT_GT(engine->counters().extra_pieces, engine->counters().short_transfers);
}

TEST_P(FaultInjectingEngineTest, ShortTransfersKeepAlignmentAndRegisteredBuffers) {
  auto engine = MakeEngine(5);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("aligned");
  engine->AddRule({.action = FaultAction::ShortTransfer(6, 512)});
  // Memory from the engine's pool: the uring engine uses it as a fixed buffer.
  IoBuffer buffer = engine->buffers().Acquire();
  ASSERT_TRUE(buffer);
  for (int round = 0; round < 8; ++round) {
    size_t size = 512 * (2 + round * 7);
    ASSERT_LE(size, buffer.size());
    std::string data = RandomBytes(size, static_cast<uint32_t>(round));
    std::memcpy(buffer.data(), data.data(), size);
    size_t before = recorder_->ops.size();
    ASSERT_EQ(RunOne(*engine, Transfer(IoOpcode::kWrite, fd, 8192, buffer.data(), size)),
              IoResult::Bytes(size));
    std::vector<RecordingEngine::Op> pieces(recorder_->ops.begin() + before, recorder_->ops.end());
    EXPECT_GE(pieces.size(), 2u);
    ExpectPiecesTile(pieces, 8192, size, 512);
    for (const RecordingEngine::Op& op : pieces) EXPECT_EQ(op.length % 512, 0u);
    std::memset(buffer.data(), 0, size);
    ASSERT_EQ(RunOne(*engine, Transfer(IoOpcode::kRead, fd, 8192, buffer.data(), size)),
              IoResult::Bytes(size));
    EXPECT_EQ(std::memcmp(buffer.data(), data.data(), size), 0);
  }
  // One alignment unit can't be split: the rule does not apply to it.
  std::string unit(512, 'u');
  size_t before = recorder_->ops.size();
  EXPECT_EQ(RunOne(*engine, Write(fd, 0, unit)), IoResult::Bytes(512));
  EXPECT_EQ(recorder_->ops.size() - before, 1u);
}

TEST_P(FaultInjectingEngineTest, SplitReadStopsAtEndOfFile) {
  int fd = OpenFile("eof");
  std::string contents = RandomBytes(1000, 3);
  SetContents(fd, contents);
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto engine = MakeEngine(seed);
    ASSERT_NE(engine, nullptr);
    engine->AddRule({.action = FaultAction::ShortTransfer(4)});
    std::string back(4096, '\0');
    ASSERT_EQ(RunOne(*engine, Read(fd, 0, back)), IoResult::Bytes(1000)) << "seed " << seed;
    EXPECT_EQ(back.substr(0, 1000), contents);
    std::string tail(500, '\0');
    ASSERT_EQ(RunOne(*engine, Read(fd, 700, tail)), IoResult::Bytes(300));
    EXPECT_EQ(tail.substr(0, 300), contents.substr(700));
  }
}

TEST_P(FaultInjectingEngineTest, SplitStreamReadFollowsTheFilePosition) {
  auto engine = MakeEngine(11);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("stream");
  std::string contents = RandomBytes(10000, 4);
  SetContents(fd, contents);
  ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
  engine->AddRule({.action = FaultAction::ShortTransfer(5)});
  std::string first(6000, '\0');
  std::string second(4000, '\0');
  ASSERT_EQ(RunOne(*engine, Read(fd, kCurrentPosition, first)), IoResult::Bytes(6000));
  ASSERT_EQ(RunOne(*engine, Read(fd, kCurrentPosition, second)), IoResult::Bytes(4000));
  EXPECT_EQ(first + second, contents);
  EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 10000);
  EXPECT_EQ(engine->counters().short_transfers, 2u);
}

TEST_P(FaultInjectingEngineTest, TornWriteLeavesExactlyThePrefix) {
  auto engine = MakeEngine(12);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("torn");
  std::string original(4 * kBlock, 'x');
  SetContents(fd, original);
  engine->AddRule({.action = FaultAction::TornWrite(1000)});
  std::string data(2 * kBlock, 'a');
  EXPECT_EQ(RunOne(*engine, Write(fd, kBlock, data)), IoResult::Error(EIO));
  std::string expected = original;
  expected.replace(kBlock, 1000, 1000, 'a');
  EXPECT_EQ(Contents(fd), expected);
  ASSERT_EQ(recorder_->ops.size(), 1u);
  EXPECT_EQ(recorder_->ops[0].offset, kBlock);
  EXPECT_EQ(recorder_->ops[0].length, 1000u);
  EXPECT_EQ(engine->counters().torn_writes, 1u);
  EXPECT_EQ(engine->stats().errors, 1u);
  EXPECT_EQ(engine->stats().bytes_written, 0u);
  ASSERT_EQ(engine->fault_log().size(), 1u);
  EXPECT_EQ(engine->fault_log()[0].detail, 1000u);

  // Reads are never torn.
  std::string back(100, '\0');
  EXPECT_EQ(RunOne(*engine, Read(fd, kBlock, back)), IoResult::Bytes(100));
  EXPECT_EQ(back, std::string(100, 'a'));
}

TEST_P(FaultInjectingEngineTest, RandomTornLengthsAreSeededAndCanBeAligned) {
  int fd = OpenFile("torn-random");
  std::string original(4 * kBlock, 'x');
  std::string data(2 * kBlock, 'b');
  std::vector<uint64_t> lengths;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    bool aligned = seed % 2 == 0;
    SetContents(fd, original);
    auto engine = MakeEngine(seed);
    ASSERT_NE(engine, nullptr);
    engine->AddRule(
        {.match = {.fd = fd},
         .action = FaultAction::TornWrite(FaultAction::kRandomLength, ENOSPC, aligned ? 512 : 1)});
    EXPECT_EQ(RunOne(*engine, Write(fd, kBlock, data)), IoResult::Error(ENOSPC));
    ASSERT_EQ(engine->fault_log().size(), 1u);
    uint64_t length = engine->fault_log()[0].detail;
    EXPECT_LT(length, data.size());
    if (aligned) {
      EXPECT_EQ(length % 512, 0u);
    }
    std::string expected = original;
    expected.replace(kBlock, length, length, 'b');
    EXPECT_EQ(Contents(fd), expected) << "seed " << seed;
    lengths.push_back(length);
  }
  std::sort(lengths.begin(), lengths.end());
  EXPECT_GT(std::unique(lengths.begin(), lengths.end()) - lengths.begin(), 6)
      << "the seed does not vary the torn length";
}

TEST_P(FaultInjectingEngineTest, TornWritesOfVectorsAtEndOfFileAndOfNothing) {
  auto engine = MakeEngine(13);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("torn-vectored");
  std::string original(kBlock, 'x');
  SetContents(fd, original);
  std::string data = std::string(3000, 'p') + std::string(3000, 'q') + std::string(2192, 'r');
  std::vector<iovec> iov = Chop(data, {3000});
  // Appended at end of file, torn inside the second iovec: the file grows by the prefix.
  size_t first =
      engine->AddRule({.match = {.max_fires = 1}, .action = FaultAction::TornWrite(4000)});
  EXPECT_EQ(RunOne(*engine, Vectored(IoOpcode::kWritev, fd, kBlock, iov)), IoResult::Error(EIO));
  EXPECT_EQ(Contents(fd), original + data.substr(0, 4000));
  EXPECT_EQ(engine->rule_fires(first), 1u);

  // Torn at 0: the file is never touched.
  size_t ops_before = recorder_->ops.size();
  engine->ClearRules();
  engine->AddRule({.action = FaultAction::TornWrite(0, EIO)});
  EXPECT_EQ(RunOne(*engine, Write(fd, 0, data)), IoResult::Error(EIO));
  EXPECT_EQ(Contents(fd), original + data.substr(0, 4000));
  EXPECT_EQ(recorder_->ops.size(), ops_before);

  // The full length: everything reaches the file, yet the caller is told it failed.
  engine->ClearRules();
  engine->AddRule({.action = FaultAction::TornWrite(data.size(), EIO)});
  EXPECT_EQ(RunOne(*engine, Write(fd, 0, data)), IoResult::Error(EIO));
  EXPECT_EQ(Contents(fd), data);
}

TEST_P(FaultInjectingEngineTest, TornWriteCanAlsoMoveInPieces) {
  auto engine = MakeEngine(14);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("torn-split");
  engine->AddRule({.action = FaultAction::TornWrite(5000)});
  engine->AddRule({.action = FaultAction::ShortTransfer(8)});
  std::string data = RandomBytes(3 * kBlock, 5);
  EXPECT_EQ(RunOne(*engine, Write(fd, 0, data)), IoResult::Error(EIO));
  EXPECT_GE(recorder_->ops.size(), 2u);
  ExpectPiecesTile(recorder_->ops, 0, 5000, 1);
  EXPECT_EQ(Contents(fd), data.substr(0, 5000));
}

TEST_P(FaultInjectingEngineTest, DelayedCompletionWaitsForItsPolls) {
  auto engine = MakeEngine(15);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("delay-polls");
  engine->AddRule({.action = FaultAction::DelayPolls(3)});
  std::string data(kBlock, 'd');
  IoRequest request = Write(fd, 0, data);
  int calls = 0;
  request.callback = [&](IoResult result) {
    ++calls;
    EXPECT_EQ(result, IoResult::Bytes(kBlock));
  };
  engine->Prepare(request);
  engine->Submit();
  // Drive it as an event loop would: wait for the descriptor, then poll.
  pollfd ready{.fd = engine->completion_fd(), .events = POLLIN, .revents = 0};
  int polls = 0;
  int collected_at = 0;
  while (calls == 0 && polls < 1000) {
    ASSERT_EQ(poll(&ready, 1, 10'000), 1) << "the owner was never woken";
    engine->Poll();
    ++polls;
    if (collected_at == 0 && engine->inner().stats().completed() == 1) collected_at = polls;
  }
  ASSERT_EQ(calls, 1);
  EXPECT_EQ(polls - collected_at, 3) << "collected at poll " << collected_at;
  EXPECT_EQ(engine->counters().delays, 1u);
  EXPECT_EQ(poll(&ready, 1, 0), 0);
}

TEST_P(FaultInjectingEngineTest, DelayedCompletionWaitsForItsDurationWithoutHangingWait) {
  auto engine = MakeEngine(16);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("delay-time");
  constexpr auto kDelay = std::chrono::milliseconds(30);
  engine->AddRule({.action = FaultAction::DelayFor(kDelay)});
  std::string data(kBlock, 't');
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point called;
  IoRequest request = Write(fd, 0, data);
  request.callback = [&](IoResult) { called = std::chrono::steady_clock::now(); };
  engine->Prepare(request);
  EXPECT_EQ(engine->Wait(1), 1u);  // returns: the held completion does not stall it
  EXPECT_GE(called - start, kDelay);

  // An event loop is woken by the timer, not left sleeping.
  IoRequest second = Write(fd, kBlock, data);
  bool done = false;
  second.callback = [&](IoResult result) {
    done = true;
    EXPECT_TRUE(result.ok());
  };
  start = std::chrono::steady_clock::now();
  engine->Prepare(second);
  engine->Submit();
  pollfd ready{.fd = engine->completion_fd(), .events = POLLIN, .revents = 0};
  for (int i = 0; !done && i < 1000; ++i) {
    ASSERT_EQ(poll(&ready, 1, 10'000), 1) << "the owner was never woken";
    engine->Poll();
  }
  ASSERT_TRUE(done);
  EXPECT_GE(std::chrono::steady_clock::now() - start, kDelay);
}

// The order in which the callbacks of 16 writes ran, all held until quiescent.
std::vector<size_t> QuiescentOrder(FaultInjectingEngine& engine, int fd, size_t* ran_at_once) {
  engine.AddRule({.action = FaultAction::HoldUntilQuiescent()});
  std::vector<std::string> blocks;
  for (int i = 0; i < 16; ++i) blocks.emplace_back(512, static_cast<char>('A' + i));
  std::vector<IoRequest> requests;
  std::vector<size_t> order;
  for (size_t i = 0; i < 16; ++i) {
    requests.push_back(Write(fd, i * 512, blocks[i]));
    requests.back().callback = [&order, i](IoResult result) {
      EXPECT_TRUE(result.ok());
      order.push_back(i);
    };
  }
  for (IoRequest& request : requests) engine.Prepare(request);
  engine.Submit();
  *ran_at_once = engine.Wait(1);
  engine.Drain();
  std::string expected;
  for (const std::string& block : blocks) expected += block;
  std::string contents(expected.size(), '\0');
  EXPECT_EQ(pread(fd, contents.data(), contents.size(), 0), static_cast<ssize_t>(expected.size()));
  EXPECT_EQ(contents, expected);
  return order;
}

TEST_P(FaultInjectingEngineTest, HeldCompletionsRunOutOfOrderAsTheSeedSays) {
  int fd = OpenFile("reorder");
  std::vector<size_t> submitted(16);
  std::iota(submitted.begin(), submitted.end(), size_t{0});

  auto engine = MakeEngine(21);
  ASSERT_NE(engine, nullptr);
  size_t ran_at_once = 0;
  std::vector<size_t> order = QuiescentOrder(*engine, fd, &ran_at_once);
  EXPECT_EQ(ran_at_once, 16u) << "held completions were released before all had finished";
  std::vector<size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, submitted) << "each callback must run exactly once";
  EXPECT_NE(order, submitted);
  EXPECT_GT(engine->counters().reordered, 0u);
  EXPECT_EQ(engine->counters().delays, 16u);

  auto same = MakeEngine(21);
  ASSERT_NE(same, nullptr);
  EXPECT_EQ(QuiescentOrder(*same, fd, &ran_at_once), order);
  auto other = MakeEngine(22);
  ASSERT_NE(other, nullptr);
  EXPECT_NE(QuiescentOrder(*other, fd, &ran_at_once), order);
  auto unshuffled = MakeEngine(21, /*shuffle=*/false);
  ASSERT_NE(unshuffled, nullptr);
  EXPECT_EQ(QuiescentOrder(*unshuffled, fd, &ran_at_once), submitted);
  EXPECT_EQ(unshuffled->counters().reordered, 0u);
}

TEST_P(FaultInjectingEngineTest, HeldCompletionWaitsForALaterRequest) {
  auto engine = MakeEngine(23);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("overtake");
  // Only the first request is held. Its write has finished before the second is even
  // prepared, yet it is not delivered while the second is unsubmitted or running: the
  // second overtakes it.
  engine->AddRule({.match = {.max_fires = 1}, .action = FaultAction::HoldUntilQuiescent()});
  std::string data(kBlock, 'o');
  std::vector<int> order;
  IoRequest held = Write(fd, 0, data);
  held.callback = [&](IoResult result) {
    EXPECT_TRUE(result.ok());
    order.push_back(0);
  };
  IoRequest later = Write(fd, kBlock, data);
  later.callback = [&](IoResult result) {
    EXPECT_TRUE(result.ok());
    order.push_back(1);
  };
  engine->Prepare(held);
  engine->Submit();
  pollfd ready{.fd = engine->completion_fd(), .events = POLLIN, .revents = 0};
  ASSERT_EQ(poll(&ready, 1, 10'000), 1) << "the owner was never woken";
  engine->Prepare(later);
  engine->Poll();  // collects the first, holds it, submits the second
  EXPECT_EQ(engine->inner().stats().completed(), 1u);
  EXPECT_TRUE(order.empty());
  engine->Drain();
  EXPECT_EQ(order, (std::vector<int>{1, 0}));
}

TEST_P(FaultInjectingEngineTest, RandomDelaysDeliverEveryCallbackOnce) {
  auto engine = MakeEngine(24);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("delays");
  engine->AddRule({.match = {.probability = 0.7}, .action = FaultAction::DelayPolls(0, 20)});
  std::string data(512, 'z');
  std::vector<IoRequest> requests;
  for (size_t i = 0; i < 64; ++i) requests.push_back(Write(fd, i * 512, data));
  BatchOutcome outcome = RunBatch(*engine, requests);
  for (const IoResult& result : outcome.results) EXPECT_EQ(result, IoResult::Bytes(512));
  EXPECT_GT(engine->counters().delays, 20u);
  for (const FaultRecord& record : engine->fault_log()) EXPECT_LE(record.detail, 20u);
  EXPECT_EQ(Contents(fd), std::string(64 * 512, 'z'));
}

TEST_P(FaultInjectingEngineTest, DestructorRunsEveryCallbackFirst) {
  int fd = OpenFile("shutdown");
  std::vector<std::string> blocks;
  for (int i = 0; i < 40; ++i) blocks.emplace_back(512, static_cast<char>('a' + i % 26));
  std::vector<IoRequest> requests;
  std::vector<int> calls(40, 0);
  std::vector<IoResult> results(40, IoResult::Bytes(0));
  for (size_t i = 0; i < 40; ++i) {
    requests.push_back(Write(fd, i * 512, blocks[i]));
    requests.back().callback = [&calls, &results, i](IoResult result) {
      ++calls[i];
      results[i] = result;
    };
  }
  {
    auto engine = MakeEngine(25);
    ASSERT_NE(engine, nullptr);
    auto block_is = [](uint64_t remainder) {
      return [remainder](const IoRequest& r) { return r.offset / 512 % 5 == remainder; };
    };
    engine->AddRule({.match = {.predicate = block_is(0)},
                     .action = FaultAction::DelayFor(std::chrono::milliseconds(20))});
    engine->AddRule({.match = {.predicate = block_is(1)}, .action = FaultAction::DelayPolls(50)});
    engine->AddRule(
        {.match = {.predicate = block_is(2)}, .action = FaultAction::HoldUntilQuiescent()});
    engine->AddRule({.match = {.predicate = block_is(3)}, .action = FaultAction::Error(EIO)});
    for (size_t i = 0; i < 32; ++i) engine->Prepare(requests[i]);
    engine->Submit();
    for (size_t i = 32; i < 40; ++i) engine->Prepare(requests[i]);  // never submitted
    EXPECT_EQ(engine->in_flight(), 40u);
  }
  for (size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(calls[i], 1) << "request " << i;
    EXPECT_EQ(results[i], i % 5 == 3 ? IoResult::Error(EIO) : IoResult::Bytes(512))
        << "request " << i;
  }
  std::string contents = Contents(fd);
  for (size_t i = 0; i < 40; ++i) {
    std::string expected = i % 5 == 3 ? std::string(512, '\0') : blocks[i];
    EXPECT_EQ(contents.substr(i * 512, 512), expected) << "block " << i;
  }
}

TEST_P(FaultInjectingEngineTest, CallbackMayPrepareItsRequestAgain) {
  auto engine = MakeEngine(26);
  ASSERT_NE(engine, nullptr);
  int fd = OpenFile("retry");
  engine->AddRule({.match = {.max_fires = 2}, .action = FaultAction::Error(EAGAIN)});
  engine->AddRule({.action = FaultAction::ShortTransfer(3)});
  std::string data = RandomBytes(10000, 6);
  IoRequest request = Write(fd, 0, data);
  int attempts = 0;
  IoResult final_result = IoResult::Error(0);
  std::function<void(IoResult)> retry = [&](IoResult result) {
    ++attempts;
    if (result.error() == EAGAIN) {
      request.callback = retry;
      engine->Prepare(request);
      engine->Submit();
      return;
    }
    final_result = result;
  };
  request.callback = retry;
  engine->Prepare(request);
  engine->Drain();
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(final_result, IoResult::Bytes(data.size()));
  EXPECT_EQ(Contents(fd), data);
  EXPECT_EQ(engine->stats().completed(), 3u);
  EXPECT_EQ(engine->stats().errors, 2u);
}

// Everything at once, twice with one seed: the same faults, the same file.
struct MixedRun {
  std::string description;
  std::string contents;
  FaultCounters counters;
};

TEST_P(FaultInjectingEngineTest, MixedFaultsReplayExactly) {
  int fd = OpenFile("mixed");
  auto run = [this, fd](uint64_t seed) {
    SetContents(fd, "");
    auto engine = MakeEngine(seed);
    EXPECT_NE(engine, nullptr);
    engine->AddRule({.match = {.probability = 0.1}, .action = FaultAction::Error(EIO)});
    engine->AddRule({.match = {.probability = 0.1}, .action = FaultAction::TornWrite()});
    engine->AddRule({.match = {.probability = 0.4}, .action = FaultAction::ShortTransfer(4)});
    engine->AddRule({.match = {.probability = 0.3}, .action = FaultAction::DelayPolls(0, 8)});
    engine->AddRule({.match = {.probability = 0.2}, .action = FaultAction::HoldUntilQuiescent()});
    std::vector<std::string> blocks;
    for (int i = 0; i < 120; ++i) blocks.push_back(RandomBytes(700 + 37 * i, 100 + i));
    uint64_t offset = 0;
    for (size_t batch = 0; batch < 6; ++batch) {
      std::vector<IoRequest> requests;
      for (size_t i = 0; i < 20; ++i) {
        const std::string& block = blocks[batch * 20 + i];
        requests.push_back(Write(fd, offset, block));
        offset += block.size();
      }
      BatchOutcome outcome = RunBatch(*engine, requests);
      for (size_t i = 0; i < 20; ++i) {
        if (outcome.results[i].ok()) {
          EXPECT_EQ(outcome.results[i].bytes(), requests[i].length);
        } else {
          EXPECT_EQ(outcome.results[i].error(), EIO);
        }
      }
    }
    MixedRun result{engine->DescribeFaults(), Contents(fd), engine->counters()};
    EXPECT_GT(result.counters.errors, 0u);
    EXPECT_GT(result.counters.torn_writes, 0u);
    EXPECT_GT(result.counters.short_transfers, 0u);
    EXPECT_GT(result.counters.delays, 0u);
    return result;
  };
  MixedRun first = run(77);
  MixedRun second = run(77);
  EXPECT_EQ(first.description, second.description);
  EXPECT_TRUE(first.contents == second.contents);
  EXPECT_EQ(first.counters.errors, second.counters.errors);
  EXPECT_EQ(first.counters.torn_writes, second.counters.torn_writes);
  EXPECT_EQ(first.counters.extra_pieces, second.counters.extra_pieces);
}

INSTANTIATE_TEST_SUITE_P(Engines, FaultInjectingEngineTest,
                         ::testing::Values(IoEngineKind::kUring, IoEngineKind::kThreads),
                         [](const ::testing::TestParamInfo<IoEngineKind>& param_info) {
                           return std::string(IoEngineKindName(param_info.param));
                         });

}  // namespace
}  // namespace ferrite
