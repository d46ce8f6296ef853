// FaultInjectingEngine: an IoEngine for tests that wraps a real one and, driven by rules
// and a seed, makes operations fail (without touching the file), tear (a prefix is
// written, then an error), move in several smaller I/Os, or complete late and out of
// order. Every random choice comes from the seed and is made in Prepare() order, so a
// failing run replays exactly when the same operations are prepared in the same order.
// The inner engine sees the wrapper's own requests (one per piece), never the caller's,
// whose callbacks run only from the wrapper's Poll(), Wait() and Drain().
//
// Thread safety: as every IoEngine, owner thread only.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "io/io_engine.h"
#include "io/request_queue.h"

namespace ferrite {

// A set of opcodes, as a bit mask indexed by IoOpcode.
class IoOpcodeSet {
 public:
  constexpr IoOpcodeSet() = default;
  constexpr IoOpcodeSet(std::initializer_list<IoOpcode> opcodes) {
    for (IoOpcode op : opcodes) bits_ |= Bit(op);
  }
  static constexpr IoOpcodeSet All() { return FromBits(0x3F); }
  static constexpr IoOpcodeSet Reads() { return {IoOpcode::kRead, IoOpcode::kReadv}; }
  static constexpr IoOpcodeSet Writes() { return {IoOpcode::kWrite, IoOpcode::kWritev}; }
  static constexpr IoOpcodeSet Syncs() { return {IoOpcode::kFsync, IoOpcode::kFdatasync}; }
  static constexpr IoOpcodeSet Transfers() { return FromBits(Reads().bits_ | Writes().bits_); }

  constexpr bool contains(IoOpcode op) const { return (bits_ & Bit(op)) != 0; }

 private:
  static constexpr uint8_t Bit(IoOpcode op) { return uint8_t(1u << static_cast<unsigned>(op)); }
  static constexpr IoOpcodeSet FromBits(uint8_t bits) {
    IoOpcodeSet set;
    set.bits_ = bits;
    return set;
  }
  uint8_t bits_ = 0;
};

enum class FaultKind : uint8_t {
  kError,          // completes with an errno; the operation never reaches the file
  kTornWrite,      // a prefix of a write reaches the file, then the request fails
  kShortTransfer,  // the transfer moves in several I/Os, one after another
  kDelay,          // the completion is held back before its callback runs
};

std::string_view FaultKindName(FaultKind kind);

// What a rule does to an operation it fires on. Build one with the factories.
struct FaultAction {
  // For torn writes: let the seed choose the prefix, in [0, length).
  static constexpr size_t kRandomLength = ~size_t{0};

  FaultKind kind = FaultKind::kError;
  // kError, kTornWrite: the errno the caller sees (EIO when not positive).
  int error = 0;
  // kTornWrite: bytes that reach the file (clamped to the request's length; the full
  // length means "everything was written, yet the request failed").
  size_t torn_length = kRandomLength;
  // kTornWrite, kShortTransfer: torn lengths and piece boundaries are multiples of this
  // (counted from the request's offset), so O_DIRECT requests stay aligned.
  size_t alignment = 1;
  // kShortTransfer: the number of pieces is chosen in [2, max_pieces] (fewer when the
  // request is too small for that many aligned pieces).
  uint32_t max_pieces = 2;
  // kDelay: the callback runs no earlier than `polls` wrapper polls after the inner
  // completion was collected (each Wait() round counts as a poll): a number chosen in
  // [polls, polls_max] when polls_max is larger. And no earlier than `duration`.
  uint32_t polls = 0;
  uint32_t polls_max = 0;
  std::chrono::nanoseconds duration{0};
  // kDelay: hold (ignoring polls and duration) until none of the wrapper's requests is
  // left in the inner engine or waiting for Submit(), then release every such request
  // together, in an order chosen by the seed: reorderings that don't depend on the
  // disk's timing, so a test can rely on them.
  bool until_quiescent = false;

  static FaultAction Error(int sys_errno) {
    FaultAction action;
    action.kind = FaultKind::kError;
    action.error = sys_errno;
    return action;
  }
  static FaultAction TornWrite(size_t length = kRandomLength, int sys_errno = EIO,
                               size_t alignment = 1) {
    FaultAction action;
    action.kind = FaultKind::kTornWrite;
    action.torn_length = length;
    action.error = sys_errno;
    action.alignment = alignment;
    return action;
  }
  static FaultAction ShortTransfer(uint32_t max_pieces = 2, size_t alignment = 1) {
    FaultAction action;
    action.kind = FaultKind::kShortTransfer;
    action.max_pieces = max_pieces;
    action.alignment = alignment;
    return action;
  }
  static FaultAction DelayPolls(uint32_t polls, uint32_t polls_max = 0) {
    FaultAction action;
    action.kind = FaultKind::kDelay;
    action.polls = polls;
    action.polls_max = polls_max;
    return action;
  }
  static FaultAction DelayFor(std::chrono::nanoseconds duration) {
    FaultAction action;
    action.kind = FaultKind::kDelay;
    action.duration = duration;
    return action;
  }
  static FaultAction HoldUntilQuiescent() {
    FaultAction action;
    action.kind = FaultKind::kDelay;
    action.until_quiescent = true;
    return action;
  }
};

// Which operations a rule may fire on. Every condition set must hold.
struct FaultMatch {
  static constexpr int kAnyFd = -1;

  IoOpcodeSet opcodes = IoOpcodeSet::All();
  int fd = kAnyFd;
  // Runs in Prepare(); must be deterministic for replays to hold.
  std::function<bool(const IoRequest&)> predicate;
  // The rule counts the operations it admits (from 0, in Prepare() order): those that
  // match the conditions above and that its action applies to (torn writes: writes;
  // short transfers: reads and writes longer than one alignment unit). It fires from
  // admitted operation `first` on, at most `max_fires` times (0: no limit), each time
  // with `probability`. {first = N, max_fires = 1} with no conditions: "the operation
  // with index N"; {first = N} with an error: every operation from N on fails, like a
  // disk that died.
  uint64_t first = 0;
  uint64_t max_fires = 0;
  double probability = 1.0;
};

struct FaultRule {
  FaultMatch match;
  FaultAction action;
};

// What the wrapper injected, per kind.
struct FaultCounters {
  uint64_t operations = 0;       // prepared on the wrapper
  uint64_t errors = 0;           // failed without reaching the file
  uint64_t torn_writes = 0;      // a prefix written, then failed
  uint64_t short_transfers = 0;  // requests moved in several I/Os
  uint64_t extra_pieces = 0;     // inner I/Os beyond one per split request
  uint64_t delays = 0;           // completions held back
  uint64_t reordered = 0;        // held completions the seeded shuffle moved in their batch
};

// One injected fault, for the replay log.
struct FaultRecord {
  uint64_t op_index = 0;  // Prepare() order on the wrapper, from 0
  FaultKind kind = FaultKind::kError;
  uint32_t rule = 0;  // index in the rule list
  IoOpcode opcode = IoOpcode::kRead;
  int fd = -1;
  uint64_t offset = 0;
  size_t length = 0;
  // kTornWrite: bytes written; kShortTransfer: pieces; kDelay: polls. kError: 0.
  uint64_t detail = 0;
  int error = 0;                 // kError, kTornWrite
  uint64_t duration_ns = 0;      // kDelay
  bool until_quiescent = false;  // kDelay

  // "op 17 write fd=5 offset=4096 length=8192: torn write of 513 bytes, then EIO
  // (rule 2)".
  std::string ToString() const;
};

struct FaultOptions {
  uint64_t seed = 1;
  // Held completions released together run in an order chosen by the seed; false keeps
  // Prepare() order. Which completions a poll- or time-delay releases together depends
  // on the disk's timing; a quiescent release does not, so only its order replays.
  bool shuffle_released = true;
  // The log keeps the first this many records; the counters count every fault.
  size_t max_log_records = 4096;
};

class FaultInjectingEngine final : public IoEngine {
 public:
  // Fails when `inner` is null, has no completion descriptor, or the wrapper's
  // descriptors (epoll, eventfd, timerfd) can't be created.
  static Result<std::unique_ptr<FaultInjectingEngine>> Create(std::unique_ptr<IoEngine> inner,
                                                              const FaultOptions& options = {});
  // Drains (held completions included), then destroys the inner engine.
  ~FaultInjectingEngine() override;
  FaultInjectingEngine(const FaultInjectingEngine&) = delete;
  FaultInjectingEngine& operator=(const FaultInjectingEngine&) = delete;

  // Rules are consulted in Prepare(), so adding or clearing them affects operations
  // prepared afterwards only. Per operation the rules are tried in the order added;
  // the first of each kind that fires wins (an error or a torn write, then a short
  // transfer unless the operation failed outright, then a delay). Returns the rule's
  // index.
  size_t AddRule(FaultRule rule);
  void ClearRules();
  // How often rule `index` fired.
  uint64_t rule_fires(size_t index) const { return rules_.at(index).fires; }

  const FaultCounters& counters() const { return counters_; }
  const std::vector<FaultRecord>& fault_log() const { return log_; }
  // The log, one record a line.
  std::string DescribeFaults() const;
  uint64_t seed() const { return options_.seed; }
  IoEngine& inner() { return *inner_; }

  std::string_view name() const override { return name_; }
  std::string settings() const override;
  void Prepare(IoRequest& request) override;
  size_t Submit() override;
  size_t Poll() override;
  size_t Wait(size_t min_completions) override;
  // An epoll descriptor watching the inner engine's completion descriptor, an eventfd
  // (failures injected, completions held for a number of polls) and a timerfd
  // (completions held for a duration).
  int completion_fd() const override { return epoll_fd_; }
  size_t in_flight() const override { return in_flight_; }
  Status RegisterFile(int fd) override { return inner_->RegisterFile(fd); }
  void UnregisterFile(int fd) override { inner_->UnregisterFile(fd); }
  IoBufferPool& buffers() override { return inner_->buffers(); }
  const IoStats& stats() const override { return stats_; }
  void ResetStats() override { stats_ = IoStats(); }

 private:
  struct Slot;
  struct RuleState {
    FaultRule rule;
    uint64_t admitted = 0;
    uint64_t fires = 0;
  };
  using Clock = std::chrono::steady_clock;

  FaultInjectingEngine(std::unique_ptr<IoEngine> inner, const FaultOptions& options, int epoll_fd,
                       int event_fd, int timer_fd);

  static bool Admits(const FaultRule& rule, const IoRequest& request, size_t total);
  bool Fires(RuleState& state, bool kind_taken);
  void Plan(Slot& slot);
  void PlanPieces(Slot& slot, const FaultAction& action);
  FaultRecord NewRecord(const Slot& slot, FaultKind kind, size_t rule);
  void Log(const FaultRecord& record);

  Slot* AcquireSlot();
  void StartPiece(Slot& slot);
  void OnInnerComplete(Slot& slot, IoResult result);
  void Finish(Slot& slot, IoResult result);
  void ReleaseHeld(std::vector<Slot*>& batch);
  void Deliver(Slot& slot);
  // Whether only further polls (no event) can deliver something.
  bool NeedsPolls() const;
  // Of completions held for a duration; the epoch when there are none.
  Clock::time_point EarliestDeadline() const;
  void UpdateSignals();
  int WaitTimeoutMs() const;

  uint64_t UniformBelow(uint64_t bound, std::mt19937_64& rng);

  const FaultOptions options_;
  std::unique_ptr<IoEngine> inner_;
  const std::string name_;
  const int epoll_fd_;
  const int event_fd_;
  const int timer_fd_;

  std::mt19937_64 plan_rng_;  // drawn in Prepare() only: replays follow Prepare() order
  // Drawn when held completions are released: separate, so that how the disk's timing
  // groups completions never shifts the choices made for later operations.
  std::mt19937_64 shuffle_rng_;
  std::vector<RuleState> rules_;

  // Every Slot ever allocated lives in slots_; free_ holds those not in use. A slot
  // stays in place (its inner IoRequest is queued in the inner engine) from Prepare()
  // until just before the caller's callback.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;

  // Caller requests, linked through their engine.next (their engine state is ours):
  RequestQueue unsubmitted_;             // prepared, not yet submitted
  RequestQueue finished_;                // result known, not yet sorted into delivery or holding
  std::vector<Slot*> held_;              // finished, held back by a delay
  std::vector<Slot*> batch_;             // scratch for one Poll()'s deliveries
  std::vector<uint64_t> order_scratch_;  // scratch for counting reorderings

  size_t in_flight_ = 0;
  uint64_t next_op_index_ = 0;
  uint64_t tick_ = 0;  // wrapper polls so far
  bool event_signalled_ = false;
  Clock::time_point timer_deadline_{};  // armed deadline; epoch when disarmed

  FaultCounters counters_;
  std::vector<FaultRecord> log_;
  IoStats stats_;
};

}  // namespace ferrite
