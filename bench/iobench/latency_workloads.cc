#include "latency_workloads.h"

#include <cerrno>
#include <cstring>
#include <span>
#include <vector>

#include "buffer_slots.h"
#include "completion_waiter.h"
#include "offset_generator.h"
#include "process_timer.h"
#include "util/cycle_clock.h"

namespace ferrite::iobench {
namespace {

constexpr size_t kBlock = 4096;
// Untimed steps before measuring: the first operations fault in memory and warm caches.
constexpr int kWarmUpSteps = 8;

// Prepares `requests`, submits them together and blocks until every callback has run.
// Returns the ticks at which the last callback ran, or the first failure.
Result<uint64_t> IssueAndWait(IoEngine& engine, CompletionWaiter& waiter,
                              std::span<IoRequest> requests) {
  struct Tracker {
    size_t remaining;
    uint64_t last_ticks = 0;
    Status failure;
  } tracker{requests.size()};
  for (IoRequest& request : requests) {
    size_t expected = request.TotalLength();
    request.callback = [&tracker, expected](IoResult result) {
      tracker.last_ticks = CycleClock::Now();
      --tracker.remaining;
      if (!tracker.failure.ok()) return;
      if (!result.ok()) {
        tracker.failure = result.ToStatus("benchmark I/O");
      } else if (result.bytes() != expected) {
        tracker.failure = Status::FromErrno(EIO, "benchmark I/O moved fewer bytes than asked");
      }
    };
    engine.Prepare(request);
  }
  engine.Submit();
  while (tracker.remaining > 0) waiter.WaitForCompletions();
  if (!tracker.failure.ok()) return tracker.failure;
  return tracker.last_ticks;
}

// Runs `step` (one timed unit of work returning its nanoseconds) until the budget is
// spent, after a few untimed ones.
template <typename Step>
Result<SliceResult> TimeSteps(const SliceSpec& spec, uint64_t ops_per_step, Step step) {
  for (int i = 0; i < kWarmUpSteps; ++i) {
    Result<uint64_t> nanos = step();
    if (!nanos.ok()) return nanos.status();
  }
  SliceResult result;
  SliceBudget budget(spec);
  ProcessTimer timer;
  timer.Start();
  budget.Start();
  while (!budget.Spent(result.ops)) {
    Result<uint64_t> nanos = step();
    if (!nanos.ok()) return nanos.status();
    result.latency.Record(*nanos);
    result.ops += ops_per_step;
  }
  timer.Stop();
  result.wall_seconds = timer.wall_seconds();
  result.cpu_seconds = timer.cpu_seconds();
  return result;
}

IoRequest TransferRequest(IoOpcode opcode, int fd, std::byte* buffer) {
  IoRequest request;
  request.opcode = opcode;
  request.fd = fd;
  request.buffer = buffer;
  request.length = kBlock;
  return request;
}

// Writes carry data that differs from block to block, as real pages do.
void FillForWriting(std::byte* buffer, uint64_t seed) {
  SplitMix64 random(seed);
  for (size_t i = 0; i < kBlock; i += sizeof(uint64_t)) {
    uint64_t word = random.Next();
    std::memcpy(buffer + i, &word, sizeof(word));
  }
}

}  // namespace

Result<SliceResult> RunSingleTransfers(IoEngine& engine, IoOpcode opcode, const SliceSpec& spec) {
  auto waiter = CompletionWaiter::Create(engine, spec.completion);
  if (!waiter.ok()) return waiter.status();
  BufferSlots slots(engine.buffers(), 1);
  if (IsWriteOpcode(opcode)) FillForWriting(slots.slot(0), spec.seed);
  OffsetGenerator offsets(spec.seed, spec.file_size);
  IoRequest request = TransferRequest(opcode, spec.fd, slots.slot(0));
  return TimeSteps(spec, 1, [&]() -> Result<uint64_t> {
    request.offset = offsets.Next();
    uint64_t start = CycleClock::Now();
    Result<uint64_t> end = IssueAndWait(engine, *waiter, {&request, 1});
    if (!end.ok()) return end.status();
    return CycleClock::ToNanos(*end - start);
  });
}

Result<SliceResult> RunFsyncs(IoEngine& engine, const SliceSpec& spec) {
  auto waiter = CompletionWaiter::Create(engine, spec.completion);
  if (!waiter.ok()) return waiter.status();
  BufferSlots slots(engine.buffers(), 1);
  FillForWriting(slots.slot(0), spec.seed);
  OffsetGenerator offsets(spec.seed, spec.file_size);
  IoRequest write = TransferRequest(IoOpcode::kWrite, spec.fd, slots.slot(0));
  IoRequest sync;
  sync.opcode = IoOpcode::kFsync;
  sync.fd = spec.fd;
  return TimeSteps(spec, 1, [&]() -> Result<uint64_t> {
    write.offset = offsets.Next();
    Result<uint64_t> written = IssueAndWait(engine, *waiter, {&write, 1});
    if (!written.ok()) return written.status();
    uint64_t start = CycleClock::Now();
    Result<uint64_t> end = IssueAndWait(engine, *waiter, {&sync, 1});
    if (!end.ok()) return end.status();
    return CycleClock::ToNanos(*end - start);
  });
}

Result<SliceResult> RunReadBatches(IoEngine& engine, size_t batch, const SliceSpec& spec) {
  auto waiter = CompletionWaiter::Create(engine, spec.completion);
  if (!waiter.ok()) return waiter.status();
  BufferSlots slots(engine.buffers(), batch);
  OffsetGenerator offsets(spec.seed, spec.file_size);
  std::vector<IoRequest> requests;
  requests.reserve(batch);
  for (size_t i = 0; i < batch; ++i) {
    requests.push_back(TransferRequest(IoOpcode::kRead, spec.fd, slots.slot(i)));
  }
  return TimeSteps(spec, batch, [&]() -> Result<uint64_t> {
    for (IoRequest& request : requests) request.offset = offsets.Next();
    uint64_t start = CycleClock::Now();
    Result<uint64_t> end = IssueAndWait(engine, *waiter, requests);
    if (!end.ok()) return end.status();
    return CycleClock::ToNanos(*end - start);
  });
}

}  // namespace ferrite::iobench
