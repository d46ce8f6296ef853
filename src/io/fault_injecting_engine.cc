#include "io/fault_injecting_engine.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "io/io_transfer.h"
#include "util/cycle_clock.h"

namespace ferrite {

// One request's life on the wrapper. The plan (what goes wrong) is fixed in Prepare();
// the rest is progress. `inner` is what the inner engine sees, so the caller's own
// engine state is never touched by it.
struct FaultInjectingEngine::Slot {
  IoRequest inner;
  IoRequest* caller = nullptr;
  uint64_t op_index = 0;
  size_t total = 0;  // the caller's TotalLength()

  // The plan.
  bool synthetic = false;  // fails with `error` without reaching the inner engine
  bool torn = false;       // fails with `error` once `limit` bytes reached the file
  int error = 0;
  size_t limit = 0;          // bytes to move through the inner engine
  std::vector<size_t> cuts;  // piece boundaries, ascending, inside (0, limit)
  bool hold = false;
  bool until_quiescent = false;
  uint32_t hold_polls = 0;
  Clock::duration hold_duration{};

  // Progress. INVARIANT: pieces are contiguous, so the current piece starts at `done`.
  size_t done = 0;
  size_t next_cut = 0;           // index in `cuts` of the current piece's end
  std::vector<iovec> piece_iov;  // the current piece of a vectored request
  IoResult result = IoResult::Bytes(0);
  uint64_t due_tick = 0;
  Clock::time_point deadline{};

  size_t PieceEnd() const { return next_cut < cuts.size() ? cuts[next_cut] : limit; }
};

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kError:
      return "error";
    case FaultKind::kTornWrite:
      return "torn write";
    case FaultKind::kShortTransfer:
      return "short transfer";
    case FaultKind::kDelay:
      return "delay";
  }
  return "unknown";
}

namespace {

std::string ErrnoName(int sys_errno) {
  const char* name = strerrorname_np(sys_errno);
  return name != nullptr ? std::string(name) : "errno " + std::to_string(sys_errno);
}

void CloseIfOpen(int fd) {
  if (fd >= 0) close(fd);
}

}  // namespace

std::string FaultRecord::ToString() const {
  std::string text = "op " + std::to_string(op_index) + " " + std::string(IoOpcodeName(opcode)) +
                     " fd=" + std::to_string(fd);
  if (!IsSyncOpcode(opcode)) {
    text += offset == kCurrentPosition ? " offset=current" : " offset=" + std::to_string(offset);
    text += " length=" + std::to_string(length);
  }
  text += ": ";
  switch (kind) {
    case FaultKind::kError:
      text += ErrnoName(error);
      break;
    case FaultKind::kTornWrite:
      text += "torn write of " + std::to_string(detail) + " bytes, then " + ErrnoName(error);
      break;
    case FaultKind::kShortTransfer:
      text += "moved in " + std::to_string(detail) + " pieces";
      break;
    case FaultKind::kDelay:
      if (until_quiescent) {
        text += "held until quiescent";
      } else {
        text += "held " + std::to_string(detail) + " polls";
        if (duration_ns != 0) text += " and " + std::to_string(duration_ns) + " ns";
      }
      break;
  }
  return text + " (rule " + std::to_string(rule) + ")";
}

Result<std::unique_ptr<FaultInjectingEngine>> FaultInjectingEngine::Create(
    std::unique_ptr<IoEngine> inner, const FaultOptions& options) {
  if (inner == nullptr) return Status::InvalidArgument("the fault injector needs an engine");
  int inner_fd = inner->completion_fd();
  if (inner_fd < 0) {
    return Status::InvalidArgument("the wrapped engine has no completion descriptor");
  }
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  int event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  int timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  int failed_errno = 0;
  if (epoll_fd < 0 || event_fd < 0 || timer_fd < 0) failed_errno = errno;
  for (int fd : {inner_fd, event_fd, timer_fd}) {
    if (failed_errno != 0) break;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) failed_errno = errno;
  }
  if (failed_errno != 0) {
    CloseIfOpen(epoll_fd);
    CloseIfOpen(event_fd);
    CloseIfOpen(timer_fd);
    return Status::FromErrno(failed_errno, "fault injector descriptors");
  }
  return std::unique_ptr<FaultInjectingEngine>(
      new FaultInjectingEngine(std::move(inner), options, epoll_fd, event_fd, timer_fd));
}

FaultInjectingEngine::FaultInjectingEngine(std::unique_ptr<IoEngine> inner,
                                           const FaultOptions& options, int epoll_fd, int event_fd,
                                           int timer_fd)
    : options_(options),
      inner_(std::move(inner)),
      name_("faulty(" + std::string(inner_->name()) + ")"),
      epoll_fd_(epoll_fd),
      event_fd_(event_fd),
      timer_fd_(timer_fd),
      plan_rng_(options.seed),
      shuffle_rng_(options.seed ^ 0x9E3779B97F4A7C15ull) {}

FaultInjectingEngine::~FaultInjectingEngine() {
  Drain();
  // The inner engine has nothing left in flight: every piece finished before its
  // request could be delivered.
  inner_.reset();
  close(timer_fd_);
  close(event_fd_);
  close(epoll_fd_);
}

std::string FaultInjectingEngine::settings() const {
  return "seed=" + std::to_string(options_.seed) + " rules=" + std::to_string(rules_.size()) +
         " shuffle=" + (options_.shuffle_released ? "yes" : "no") + " inner=[" +
         inner_->settings() + "]";
}

size_t FaultInjectingEngine::AddRule(FaultRule rule) {
  rules_.push_back(RuleState{std::move(rule), 0, 0});
  return rules_.size() - 1;
}

void FaultInjectingEngine::ClearRules() { rules_.clear(); }

std::string FaultInjectingEngine::DescribeFaults() const {
  std::string text;
  for (const FaultRecord& record : log_) text += record.ToString() + "\n";
  if (log_.size() <
      counters_.errors + counters_.torn_writes + counters_.short_transfers + counters_.delays) {
    text += "(later faults not logged)\n";
  }
  return text;
}

// ---- Planning (Prepare() only, so the random stream follows Prepare() order).

uint64_t FaultInjectingEngine::UniformBelow(uint64_t bound, std::mt19937_64& rng) {
  if (bound == 0) return 0;
  // Multiply-shift instead of std::uniform_int_distribution, whose algorithm differs
  // between standard libraries: a seed must mean the same faults everywhere.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * bound) >> 64);
}

bool FaultInjectingEngine::Admits(const FaultRule& rule, const IoRequest& request, size_t total) {
  const FaultMatch& match = rule.match;
  if (!match.opcodes.contains(request.opcode)) return false;
  if (match.fd != FaultMatch::kAnyFd && match.fd != request.fd) return false;
  switch (rule.action.kind) {
    case FaultKind::kTornWrite:
      if (!IsWriteOpcode(request.opcode)) return false;
      break;
    case FaultKind::kShortTransfer:
      if (IsSyncOpcode(request.opcode) || total <= std::max<size_t>(1, rule.action.alignment)) {
        return false;
      }
      break;
    case FaultKind::kError:
    case FaultKind::kDelay:
      break;
  }
  return !match.predicate || match.predicate(request);
}

bool FaultInjectingEngine::Fires(RuleState& state, bool kind_taken) {
  // Counted whether or not the rule fires, so that "the Nth admitted operation" does
  // not depend on the other rules.
  uint64_t index = state.admitted++;
  const FaultMatch& match = state.rule.match;
  if (kind_taken || index < match.first) return false;
  if (match.max_fires != 0 && state.fires >= match.max_fires) return false;
  if (match.probability < 1.0) {
    // Drawn only for rules that may fire by chance: adding a certain rule leaves the
    // random choices of the others unchanged.
    double draw = static_cast<double>(plan_rng_() >> 11) * 0x1.0p-53;
    if (!(draw < match.probability)) return false;
  }
  ++state.fires;
  return true;
}

FaultRecord FaultInjectingEngine::NewRecord(const Slot& slot, FaultKind kind, size_t rule) {
  FaultRecord record;
  record.op_index = slot.op_index;
  record.kind = kind;
  record.rule = static_cast<uint32_t>(rule);
  record.opcode = slot.caller->opcode;
  record.fd = slot.caller->fd;
  record.offset = slot.caller->offset;
  record.length = slot.total;
  return record;
}

void FaultInjectingEngine::Log(const FaultRecord& record) {
  if (log_.size() < options_.max_log_records) log_.push_back(record);
}

void FaultInjectingEngine::Plan(Slot& slot) {
  const IoRequest& request = *slot.caller;
  slot.total = request.TotalLength();
  slot.synthetic = false;
  slot.torn = false;
  slot.error = 0;
  slot.limit = slot.total;
  slot.cuts.clear();
  slot.hold = false;
  slot.until_quiescent = false;
  slot.hold_polls = 0;
  slot.hold_duration = Clock::duration::zero();
  slot.done = 0;
  slot.next_cut = 0;
  slot.result = IoResult::Bytes(0);

  // Kinds are decided in a fixed order (failure, splitting, delay) so that each can
  // depend on the one before: a request that fails outright is never split, and a
  // torn write splits only its prefix.
  bool failed = false;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const FaultAction& action = rules_[i].rule.action;
    if (action.kind != FaultKind::kError && action.kind != FaultKind::kTornWrite) continue;
    if (!Admits(rules_[i].rule, request, slot.total) || !Fires(rules_[i], failed)) continue;
    failed = true;
    slot.error = action.error > 0 ? action.error : EIO;  // 0 would read as success
    FaultRecord record = NewRecord(slot, action.kind, i);
    record.error = slot.error;
    if (action.kind == FaultKind::kError) {
      slot.synthetic = true;
      ++counters_.errors;
    } else {
      size_t length = action.torn_length == FaultAction::kRandomLength
                          ? UniformBelow(slot.total, plan_rng_)
                          : std::min(action.torn_length, slot.total);
      length -= length % std::max<size_t>(1, action.alignment);
      slot.torn = true;
      slot.limit = length;
      slot.synthetic = length == 0;  // nothing to write: the file is never touched
      record.detail = length;
      ++counters_.torn_writes;
    }
    Log(record);
  }

  bool split = slot.synthetic;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const FaultAction& action = rules_[i].rule.action;
    if (action.kind != FaultKind::kShortTransfer) continue;
    if (!Admits(rules_[i].rule, request, slot.total) || !Fires(rules_[i], split)) continue;
    split = true;
    PlanPieces(slot, action);
    if (slot.cuts.empty()) continue;  // a torn prefix too short to split
    FaultRecord record = NewRecord(slot, FaultKind::kShortTransfer, i);
    record.detail = slot.cuts.size() + 1;
    Log(record);
    ++counters_.short_transfers;
    counters_.extra_pieces += slot.cuts.size();
  }

  bool delayed = false;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const FaultAction& action = rules_[i].rule.action;
    if (action.kind != FaultKind::kDelay) continue;
    if (!Admits(rules_[i].rule, request, slot.total) || !Fires(rules_[i], delayed)) continue;
    delayed = true;
    slot.hold = true;
    slot.until_quiescent = action.until_quiescent;
    slot.hold_polls = action.polls;
    if (action.polls_max > action.polls) {
      slot.hold_polls += static_cast<uint32_t>(
          UniformBelow(uint64_t{action.polls_max} - action.polls + 1, plan_rng_));
    }
    slot.hold_duration = std::chrono::duration_cast<Clock::duration>(action.duration);
    FaultRecord record = NewRecord(slot, FaultKind::kDelay, i);
    record.detail = slot.hold_polls;
    record.duration_ns = static_cast<uint64_t>(std::max<int64_t>(0, action.duration.count()));
    record.until_quiescent = action.until_quiescent;
    Log(record);
    ++counters_.delays;
  }
}

void FaultInjectingEngine::PlanPieces(Slot& slot, const FaultAction& action) {
  size_t alignment = std::max<size_t>(1, action.alignment);
  if (slot.limit <= alignment) return;
  // Boundaries k * alignment strictly inside (0, limit): k in [1, positions].
  uint64_t positions = (slot.limit - 1) / alignment;
  uint64_t max_pieces = std::max<uint32_t>(2, action.max_pieces);
  uint64_t pieces = 2 + UniformBelow(max_pieces - 1, plan_rng_);
  for (uint64_t i = 1; i < pieces; ++i) {
    slot.cuts.push_back((1 + UniformBelow(positions, plan_rng_)) * alignment);
  }
  std::sort(slot.cuts.begin(), slot.cuts.end());
  slot.cuts.erase(std::unique(slot.cuts.begin(), slot.cuts.end()), slot.cuts.end());
}

// ---- Requests.

FaultInjectingEngine::Slot* FaultInjectingEngine::AcquireSlot() {
  if (free_.empty()) {
    slots_.push_back(std::make_unique<Slot>());
    return slots_.back().get();
  }
  Slot* slot = free_.back();
  free_.pop_back();
  return slot;
}

void FaultInjectingEngine::Prepare(IoRequest& request) {
  Slot* slot = AcquireSlot();
  slot->caller = &request;
  slot->op_index = next_op_index_++;
  request.engine.wrapper = slot;
  request.engine.done = 0;
  request.engine.resubmissions = 0;
  request.engine.start_ticks = 0;
  ++counters_.operations;
  Plan(*slot);
  unsubmitted_.PushBack(&request);
  ++in_flight_;
}

size_t FaultInjectingEngine::Submit() {
  size_t count = 0;
  uint64_t now = CycleClock::Now();
  while (IoRequest* request = unsubmitted_.PopFront()) {
    Slot& slot = *static_cast<Slot*>(request->engine.wrapper);
    request->engine.start_ticks = now;
    if (slot.synthetic) {
      Finish(slot, IoResult::Error(slot.error));
    } else {
      StartPiece(slot);
    }
    ++count;
  }
  // Always: pieces prepared by completions may still wait in the inner engine's queue
  // when its ring was full.
  inner_->Submit();
  if (count == 0) return 0;
  ++stats_.submit_calls;
  UpdateSignals();
  return count;
}

void FaultInjectingEngine::StartPiece(Slot& slot) {
  const IoRequest& caller = *slot.caller;
  IoRequest& inner = slot.inner;
  size_t from = slot.done;
  size_t to = slot.PieceEnd();
  inner.opcode = caller.opcode;
  inner.fd = caller.fd;
  inner.offset = caller.offset == kCurrentPosition ? kCurrentPosition : caller.offset + from;
  inner.buffer = nullptr;
  inner.length = 0;
  inner.iov = nullptr;
  inner.iov_count = 0;
  switch (caller.opcode) {
    case IoOpcode::kRead:
    case IoOpcode::kWrite:
      inner.buffer = static_cast<std::byte*>(caller.buffer) + from;
      inner.length = to - from;
      break;
    case IoOpcode::kReadv:
    case IoOpcode::kWritev:
      if (from == 0 && to == slot.total) {
        inner.iov = caller.iov;
        inner.iov_count = caller.iov_count;
        break;
      }
      // The caller's iovecs cut to bytes [from, to), in the slot's own array.
      slot.piece_iov.clear();
      for (size_t i = 0, position = 0; i < static_cast<size_t>(caller.iov_count) && position < to;
           ++i) {
        const iovec& whole = caller.iov[i];
        size_t begin = std::max(from, position);
        size_t end = std::min(to, position + whole.iov_len);
        if (begin < end) {
          slot.piece_iov.push_back(
              {static_cast<std::byte*>(whole.iov_base) + (begin - position), end - begin});
        }
        position += whole.iov_len;
      }
      inner.iov = slot.piece_iov.data();
      inner.iov_count = static_cast<int>(slot.piece_iov.size());
      break;
    case IoOpcode::kFsync:
    case IoOpcode::kFdatasync:
      break;
  }
  // Two pointers: fits std::function's inline storage, so no allocation per piece.
  inner.callback = [this, &slot](IoResult result) { OnInnerComplete(slot, result); };
  inner_->Prepare(inner);
}

void FaultInjectingEngine::OnInnerComplete(Slot& slot, IoResult result) {
  if (!result.ok()) {
    Finish(slot, result);
    return;
  }
  size_t piece_length = slot.PieceEnd() - slot.done;
  slot.done += result.bytes();
  // The inner engine completes partial transfers itself, so a piece comes back short
  // only at end of file; nothing after it can move either.
  if (result.bytes() < piece_length || slot.done >= slot.limit) {
    Finish(slot, slot.torn ? IoResult::Error(slot.error) : IoResult::Bytes(slot.done));
    return;
  }
  ++slot.next_cut;
  StartPiece(slot);
}

void FaultInjectingEngine::Finish(Slot& slot, IoResult result) {
  slot.result = result;
  finished_.PushBack(slot.caller);
}

// ---- Completions.

size_t FaultInjectingEngine::Poll() {
  ++tick_;
  if (timer_deadline_ != Clock::time_point{}) {
    uint64_t expirations;
    ssize_t got = read(timer_fd_, &expirations, sizeof(expirations));
    (void)got;  // EAGAIN while the timer has not fired
  }
  inner_->Poll();  // finished pieces: more pieces start, finished requests join finished_

  std::vector<Slot*> batch;
  batch.swap(batch_);  // a callback may poll again: it gets a batch of its own
  while (IoRequest* request = finished_.PopFront()) {
    Slot* slot = static_cast<Slot*>(request->engine.wrapper);
    if (!slot->hold) {
      batch.push_back(slot);
      continue;
    }
    slot->due_tick = tick_ + slot->hold_polls;
    slot->deadline = slot->hold_duration > Clock::duration::zero()
                         ? Clock::now() + slot->hold_duration
                         : Clock::time_point{};
    held_.push_back(slot);
  }
  ReleaseHeld(batch);

  size_t ran = batch.size();
  for (Slot* slot : batch) Deliver(*slot);
  batch.clear();
  if (batch_.empty()) batch_.swap(batch);  // keep the capacity

  if (!unsubmitted_.empty()) Submit();
  UpdateSignals();
  return ran;
}

void FaultInjectingEngine::ReleaseHeld(std::vector<Slot*>& batch) {
  if (held_.empty()) return;
  // Nothing is left in the inner engine or unsubmitted: whatever is held is all that
  // can still complete, so holding it longer would gain no reordering.
  bool quiescent = in_flight_ == held_.size() + batch.size();
  Clock::time_point now = Clock::now();
  size_t first_released = batch.size();
  size_t kept = 0;
  for (Slot* slot : held_) {
    bool due = slot->until_quiescent ? quiescent : tick_ >= slot->due_tick && now >= slot->deadline;
    if (due) {
      batch.push_back(slot);
    } else {
      held_[kept++] = slot;
    }
  }
  held_.resize(kept);

  auto released = batch.begin() + static_cast<ptrdiff_t>(first_released);
  if (batch.end() - released < 2) return;
  // Sorted first, so that the order delivered depends on the seed alone and not on the
  // order in which the disk completed them.
  std::sort(released, batch.end(),
            [](const Slot* a, const Slot* b) { return a->op_index < b->op_index; });
  if (!options_.shuffle_released) return;
  size_t count = static_cast<size_t>(batch.end() - released);
  order_scratch_.clear();
  for (auto it = released; it != batch.end(); ++it) order_scratch_.push_back((*it)->op_index);
  // Fisher-Yates with our own draws (std::shuffle differs between standard libraries).
  for (size_t i = count - 1; i > 0; --i) {
    auto j = static_cast<ptrdiff_t>(UniformBelow(i + 1, shuffle_rng_));
    std::swap(released[static_cast<ptrdiff_t>(i)], released[j]);
  }
  for (size_t i = 0; i < count; ++i) {
    if (released[static_cast<ptrdiff_t>(i)]->op_index != order_scratch_[i]) ++counters_.reordered;
  }
}

void FaultInjectingEngine::Deliver(Slot& slot) {
  IoRequest& request = *slot.caller;
  IoResult result = slot.result;
  // The slot is free before the callback, which may prepare the request again.
  request.engine.wrapper = nullptr;
  slot.caller = nullptr;
  slot.piece_iov.clear();
  free_.push_back(&slot);
  --in_flight_;
  FinishRequest(request, result, stats_, CycleClock::Now());
}

bool FaultInjectingEngine::NeedsPolls() const {
  if (!finished_.empty()) return true;
  for (const Slot* slot : held_) {
    if (!slot->until_quiescent && slot->due_tick > tick_) return true;
  }
  return false;
}

FaultInjectingEngine::Clock::time_point FaultInjectingEngine::EarliestDeadline() const {
  Clock::time_point earliest{};
  for (const Slot* slot : held_) {
    if (slot->until_quiescent || slot->deadline == Clock::time_point{}) continue;
    if (earliest == Clock::time_point{} || slot->deadline < earliest) earliest = slot->deadline;
  }
  return earliest;
}

void FaultInjectingEngine::UpdateSignals() {
  // The eventfd stays readable while only more polls can deliver something (failures
  // injected, completions held for polls), so an event loop keeps polling.
  bool want_event = NeedsPolls();
  if (want_event != event_signalled_) {
    uint64_t value = 1;
    ssize_t moved = want_event ? write(event_fd_, &value, sizeof(value))
                               : read(event_fd_, &value, sizeof(value));
    (void)moved;
    event_signalled_ = want_event;
  }
  // The timerfd fires at the earliest deadline of completions held for a duration.
  // Setting it also clears an expiration not yet read.
  Clock::time_point deadline = EarliestDeadline();
  if (deadline != timer_deadline_) {
    itimerspec spec{};
    if (deadline != Clock::time_point{}) {
      auto since_epoch =
          std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch());
      spec.it_value.tv_sec = static_cast<time_t>(since_epoch.count() / 1'000'000'000);
      spec.it_value.tv_nsec = static_cast<long>(since_epoch.count() % 1'000'000'000);
    }
    timerfd_settime(timer_fd_, deadline != Clock::time_point{} ? TFD_TIMER_ABSTIME : 0, &spec,
                    nullptr);
    timer_deadline_ = deadline;
  }
}

int FaultInjectingEngine::WaitTimeoutMs() const {
  if (NeedsPolls()) return 0;
  Clock::time_point deadline = EarliestDeadline();
  if (deadline == Clock::time_point{}) return -1;  // the inner engine's fd will wake us
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  // Also bounded by the timerfd; the timeout is the safety net should it not be armed.
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60'000));
}

size_t FaultInjectingEngine::Wait(size_t min_completions) {
  Submit();
  size_t ran = Poll();
  while (ran < min_completions && in_flight_ > 0) {
    if (!unsubmitted_.empty()) Submit();
    int timeout = WaitTimeoutMs();
    if (timeout != 0) {
      epoll_event events[3];
      int n = epoll_wait(epoll_fd_, events, 3, timeout);
      (void)n;  // EINTR, or what woke us: Poll() looks at every source anyway
    }
    ran += Poll();
  }
  return ran;
}

}  // namespace ferrite
