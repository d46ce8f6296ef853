#include "queue_depth_workload.h"

#include <cerrno>
#include <vector>

#include "buffer_slots.h"
#include "completion_waiter.h"
#include "offset_generator.h"
#include "process_timer.h"
#include "util/cycle_clock.h"

namespace ferrite::iobench {
namespace {

constexpr size_t kBlock = 4096;

class QueueDepthRun {
 public:
  QueueDepthRun(IoEngine& engine, uint32_t depth, const SliceSpec& spec)
      : engine_(engine),
        spec_(spec),
        slots_(engine.buffers(), depth),
        offsets_(spec.seed, spec.file_size),
        slots_in_flight_(depth) {}

  Result<SliceResult> Run();

 private:
  struct Slot {
    IoRequest request;
    uint64_t start_ticks = 0;
  };

  void Issue(size_t index);
  void OnComplete(size_t index, IoResult result);

  IoEngine& engine_;
  const SliceSpec spec_;
  BufferSlots slots_;
  OffsetGenerator offsets_;
  // Sized once: requests must not move while in flight.
  std::vector<Slot> slots_in_flight_;

  bool measuring_ = false;
  bool stopping_ = false;
  uint64_t completed_ = 0;
  LatencyHistogram latency_;
  Status failure_;
};

void QueueDepthRun::Issue(size_t index) {
  Slot& slot = slots_in_flight_[index];
  IoRequest& request = slot.request;
  request.opcode = IoOpcode::kRead;
  request.fd = spec_.fd;
  request.buffer = slots_.slot(index);
  request.length = kBlock;
  request.offset = offsets_.Next();
  request.callback = [this, index](IoResult result) { OnComplete(index, result); };
  slot.start_ticks = CycleClock::Now();
  engine_.Prepare(request);
}

void QueueDepthRun::OnComplete(size_t index, IoResult result) {
  uint64_t now = CycleClock::Now();
  if (failure_.ok() && (!result.ok() || result.bytes() != kBlock)) {
    failure_ = result.ok() ? Status::FromErrno(EIO, "short benchmark read")
                           : result.ToStatus("benchmark read");
  }
  if (measuring_) {
    latency_.Record(CycleClock::ToNanos(now - slots_in_flight_[index].start_ticks));
    ++completed_;
  }
  // The engine submits what callbacks prepare at the end of the same Poll(), so a
  // completion and its replacement share one hand-over.
  if (!stopping_ && failure_.ok()) Issue(index);
}

Result<SliceResult> QueueDepthRun::Run() {
  auto waiter = CompletionWaiter::Create(engine_, spec_.completion);
  if (!waiter.ok()) return waiter.status();
  for (size_t i = 0; i < slots_in_flight_.size(); ++i) Issue(i);
  engine_.Submit();

  // Each request goes round a few times untimed, so that measuring starts with the
  // queue full and the device busy.
  uint64_t warm_up_until = engine_.stats().completed() + 4 * slots_in_flight_.size();
  while (engine_.stats().completed() < warm_up_until && failure_.ok()) {
    waiter->WaitForCompletions();
  }

  SliceBudget budget(spec_);
  ProcessTimer timer;
  timer.Start();
  budget.Start();
  measuring_ = true;
  while (!budget.Spent(completed_) && failure_.ok()) waiter->WaitForCompletions();
  // Completions of the reads still in flight count: they were issued while measuring.
  stopping_ = true;
  while (engine_.in_flight() > 0) waiter->WaitForCompletions();
  timer.Stop();
  if (!failure_.ok()) return failure_;

  SliceResult result;
  result.latency = latency_;
  result.ops = completed_;
  result.wall_seconds = timer.wall_seconds();
  result.cpu_seconds = timer.cpu_seconds();
  return result;
}

}  // namespace

Result<SliceResult> RunQueueDepth(IoEngine& engine, uint32_t depth, const SliceSpec& spec) {
  QueueDepthRun run(engine, depth, spec);
  return run.Run();
}

}  // namespace ferrite::iobench
