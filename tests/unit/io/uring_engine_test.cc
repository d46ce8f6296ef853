// What only UringEngine has: ring bounds, fixed buffers and files, SQPOLL. The contract
// both engines keep is tested in io_engine_test.cc.
#include "io/uring_engine.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "io/temp_dir.h"

namespace ferrite {
namespace {

std::unique_ptr<UringEngine> MakeEngine(IoOptions options) {
  auto engine = UringEngine::Create(options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

TEST(UringEngineTest, RingSizesFollowTheOptions) {
  IoOptions options;
  options.uring_entries = 32;
  auto engine = MakeEngine(options);
  ASSERT_TRUE(engine);
  EXPECT_EQ(engine->sq_entries(), 32u);
  EXPECT_EQ(engine->cq_entries(), 64u);
  EXPECT_EQ(engine->settings(), "entries=32 cq_entries=64 registered_buffers=64x65536 sqpoll=no");
}

TEST(UringEngineTest, MoreRequestsThanTheRingHoldsWaitTheirTurn) {
  TempDir dir;
  int fd = open(dir.Path("f").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  IoOptions options;
  options.uring_entries = 8;  // 8 submission and 16 completion entries
  auto engine = MakeEngine(options);
  ASSERT_TRUE(engine);
  std::vector<IoRequest> requests(1000);
  std::vector<char> data(1000, 'x');
  int calls = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i] = IoRequest{.opcode = IoOpcode::kWrite, .fd = fd, .offset = i,
                            .buffer = &data[i], .length = 1};
    requests[i].callback = [&](IoResult result) {
      EXPECT_EQ(result, IoResult::Bytes(1));
      ++calls;
    };
    engine->Prepare(requests[i]);
  }
  EXPECT_EQ(engine->Submit(), 16u) << "no more in the kernel than the completion ring holds";
  engine->Drain();
  EXPECT_EQ(calls, 1000);
  EXPECT_EQ(engine->stats().errors, 0u);
  close(fd);
}

TEST(UringEngineTest, PooledMemoryGoesInAsFixedBuffers) {
  TempDir dir;
  int fd = open(dir.Path("f").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  auto engine = MakeEngine(IoOptions{});
  ASSERT_TRUE(engine);
  IoBuffer buffer = engine->buffers().Acquire();
  std::memset(buffer.data(), 'a', buffer.size());
  int calls = 0;
  IoRequest write{.opcode = IoOpcode::kWrite, .fd = fd, .buffer = buffer.data(),
                  .length = buffer.size()};
  write.callback = [&](IoResult result) {
    EXPECT_EQ(result, IoResult::Bytes(buffer.size()));
    ++calls;
  };
  engine->Prepare(write);
  AlignedBuffer own(4096);
  IoRequest read{.opcode = IoOpcode::kRead, .fd = fd, .buffer = own.data(), .length = 4096};
  read.callback = [&](IoResult) { ++calls; };
  engine->Drain();
  EXPECT_EQ(engine->fixed_buffer_ops(), 1u);
  engine->Prepare(read);
  engine->Drain();
  EXPECT_EQ(engine->fixed_buffer_ops(), 1u) << "memory outside the pool is not a fixed buffer";
  EXPECT_EQ(calls, 2);
  close(fd);
}

TEST(UringEngineTest, FileSlotsRunOutCleanly) {
  TempDir dir;
  auto engine = MakeEngine(IoOptions{});
  ASSERT_TRUE(engine);
  std::vector<int> fds;
  for (unsigned i = 0; i < UringEngine::file_slots(); ++i) {
    int fd = open(dir.Path("f").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
    ASSERT_TRUE(engine->RegisterFile(fd).ok());
  }
  EXPECT_TRUE(engine->RegisterFile(fds[0]).ok()) << "registering twice is harmless";
  int extra = open(dir.Path("g").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  Status full = engine->RegisterFile(extra);
  EXPECT_EQ(full.code(), StatusCode::kResourceExhausted);
  engine->UnregisterFile(fds[0]);
  EXPECT_EQ(engine->registered_files(), UringEngine::file_slots() - 1);
  EXPECT_TRUE(engine->RegisterFile(extra).ok());
  char byte = 'z';
  IoRequest write{.opcode = IoOpcode::kWrite, .fd = extra, .buffer = &byte, .length = 1};
  int calls = 0;
  write.callback = [&](IoResult result) {
    EXPECT_EQ(result, IoResult::Bytes(1));
    ++calls;
  };
  engine->Prepare(write);
  engine->Drain();
  EXPECT_EQ(calls, 1);
  for (int fd : fds) engine->UnregisterFile(fd);
  engine->UnregisterFile(extra);
  for (int fd : fds) close(fd);
  close(extra);
}

TEST(UringEngineTest, SqpollRingDoesTheSameWork) {
  TempDir dir;
  int fd = open(dir.Path("f").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  IoOptions options;
  options.uring_sqpoll = true;
  auto engine = MakeEngine(options);
  ASSERT_TRUE(engine);
  EXPECT_NE(engine->settings().find("sqpoll=yes"), std::string::npos);
  std::string data(10000, 'q'), back(10000, '\0');
  int calls = 0;
  IoRequest write{.opcode = IoOpcode::kWrite, .fd = fd, .buffer = data.data(), .length = 10000};
  write.callback = [&](IoResult result) {
    EXPECT_EQ(result, IoResult::Bytes(10000));
    ++calls;
  };
  engine->Prepare(write);
  engine->Drain();
  IoRequest read{.opcode = IoOpcode::kRead, .fd = fd, .buffer = back.data(), .length = 10000};
  read.callback = [&](IoResult result) {
    EXPECT_EQ(result, IoResult::Bytes(10000));
    ++calls;
  };
  engine->Prepare(read);
  engine->Drain();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(back, data);
  close(fd);
}

TEST(UringEngineTest, WorksWithoutFixedBuffersUnderALockedMemoryLimit) {
  // Registered buffers count as locked memory. Root is exempt (CAP_IPC_LOCK), so the
  // child becomes an ordinary user first; the file is opened before that.
  TempDir dir;
  int fd = open(dir.Path("f").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && setuid(65534) != 0) _exit(10);
    rlimit limit{.rlim_cur = 64 * 1024, .rlim_max = 64 * 1024};
    if (setrlimit(RLIMIT_MEMLOCK, &limit) != 0) _exit(11);
    auto engine = UringEngine::Create(IoOptions{});  // 64 x 64 KiB: far over the limit
    if (!engine.ok()) _exit(12);
    if ((*engine)->settings().find("not registered") == std::string::npos) _exit(13);
    IoBuffer buffer = (*engine)->buffers().Acquire();
    std::memset(buffer.data(), 'm', 4096);
    bool ok = false;
    IoRequest write{.opcode = IoOpcode::kWrite, .fd = fd, .buffer = buffer.data(),
                    .length = 4096};
    write.callback = [&](IoResult result) { ok = result == IoResult::Bytes(4096); };
    (*engine)->Prepare(write);
    (*engine)->Drain();
    if (!ok) _exit(14);
    if ((*engine)->fixed_buffer_ops() != 0) _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10 setuid, 11 setrlimit, 12 create, 13 settings, "
                                       "14 write, 15 fixed buffer used";
  char back[4096];
  ASSERT_EQ(pread(fd, back, sizeof(back), 0), 4096);
  EXPECT_EQ(back[0], 'm');
  close(fd);
}

TEST(UringEngineTest, ProbeAcceptsTheDefaults) { EXPECT_TRUE(ProbeUring(IoOptions{}).ok()); }

}  // namespace
}  // namespace ferrite
