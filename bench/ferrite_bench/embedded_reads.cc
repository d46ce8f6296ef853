#include "embedded_reads.h"

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "first_failure.h"
#include "util/split_mix64.h"

namespace ferrite::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The state of one phase, shared with the callbacks (each holds a reference), so that it
// outlives the last of them even after the main thread has stopped waiting.
class QueueDepthGets : public std::enable_shared_from_this<QueueDepthGets> {
 public:
  QueueDepthGets(Db& db, const KeySpace& keys, const KeyChooser& chooser,
                 const ReadPhaseSpec& spec);

  Result<ReadPhaseResult> Run();

 private:
  // One GET in flight at a time. A slot is used by one thread at a time: the one that
  // issues its GET, then the shard thread that runs the callback, which issues the next
  // from there. Each hand-over goes through the shard's task queue (a mutex), so the
  // slot needs no lock of its own.
  struct Slot {
    explicit Slot(uint64_t seed) : random(seed) {}
    SplitMix64 random;
    uint64_t index = 0;
    std::string key;
    std::string expected;  // scratch for the value check
    Clock::time_point start;
    LatencyHistogram latency;
    uint64_t completed = 0;
  };

  void Issue(Slot& slot);
  void OnValue(Slot& slot, Result<std::string> value);
  // The slot issues nothing more. Its last access to the slot: the main thread may read
  // it once every slot has retired.
  void Retire() { retired_.count_down(); }

  Db& db_;
  const KeySpace& keys_;
  const KeyChooser& chooser_;
  const ReadPhaseSpec spec_;
  std::vector<std::unique_ptr<Slot>> slots_;

  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> issued_{0};  // counted against spec_.max_ops
  std::latch retired_;
  FirstFailure failure_;
};

QueueDepthGets::QueueDepthGets(Db& db, const KeySpace& keys, const KeyChooser& chooser,
                               const ReadPhaseSpec& spec)
    : db_(db), keys_(keys), chooser_(chooser), spec_(spec), retired_(spec.queue_depth) {
  SplitMix64 seeds(spec.seed);
  for (uint32_t i = 0; i < spec.queue_depth; ++i) {
    slots_.push_back(std::make_unique<Slot>(seeds.Next()));
  }
}

void QueueDepthGets::Issue(Slot& slot) {
  if (spec_.max_ops != 0 && issued_.fetch_add(1, std::memory_order_relaxed) >= spec_.max_ops) {
    Retire();
    return;
  }
  slot.index = chooser_.Next(slot.random);
  keys_.KeyOf(slot.index, slot.key);
  slot.start = Clock::now();
  db_.GetAsync(slot.key, [self = shared_from_this(), &slot](Result<std::string> value) {
    self->OnValue(slot, std::move(value));
  });
}

void QueueDepthGets::OnValue(Slot& slot, Result<std::string> value) {
  const Clock::duration took = Clock::now() - slot.start;
  if (!value.ok()) {
    failure_.Set("GET " + slot.key, value.status());
  } else if (!keys_.Matches(slot.index, *value, slot.expected)) {
    failure_.Set("GET " + slot.key, Status::Corruption("value of " + std::to_string(value->size()) +
                                                       " bytes differs from the one written"));
  }
  if (failure_.failed()) {
    stopping_.store(true, std::memory_order_relaxed);
    Retire();
    return;
  }
  slot.latency.Record(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
  ++slot.completed;
  if (stopping_.load(std::memory_order_relaxed)) {
    Retire();
    return;
  }
  Issue(slot);
}

Result<ReadPhaseResult> QueueDepthGets::Run() {
  PhaseTimer timer;
  timer.Start();
  const Clock::time_point deadline =
      Clock::now() +
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec_.seconds));
  for (auto& slot : slots_) Issue(*slot);
  if (spec_.max_ops == 0) {
    // Wakes every 10 ms to stop early after a failure.
    while (!failure_.failed()) {
      const Clock::time_point now = Clock::now();
      if (now >= deadline) break;
      std::this_thread::sleep_for(
          std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(10)));
    }
    stopping_.store(true, std::memory_order_relaxed);
  }
  // GETs still in flight count: they were issued within the phase.
  retired_.wait();
  ReadPhaseResult result;
  result.times = timer.Stop();
  if (failure_.failed()) return failure_.ToStatus();
  for (const auto& slot : slots_) {
    result.latency.Merge(slot->latency);
    result.ops += slot->completed;
  }
  return result;
}

}  // namespace

Result<ReadPhaseResult> RunGets(Db& db, const KeySpace& keys, const KeyChooser& chooser,
                                const ReadPhaseSpec& spec) {
  auto run = std::make_shared<QueueDepthGets>(db, keys, chooser, spec);
  return run->Run();
}

}  // namespace ferrite::bench
