// One disk operation as the caller owns it: what to do (opcode, file, offset, memory)
// and whom to tell (a callback run on the engine's owner thread). Requests are
// intrusive: an engine links them into its queues without allocating, so a request
// must stay at the same address from Prepare() until its callback has been called.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "ferrite/status.h"

namespace ferrite {

enum class IoOpcode : uint8_t { kRead, kWrite, kReadv, kWritev, kFsync, kFdatasync };

std::string_view IoOpcodeName(IoOpcode opcode);

constexpr bool IsReadOpcode(IoOpcode op) { return op == IoOpcode::kRead || op == IoOpcode::kReadv; }
constexpr bool IsWriteOpcode(IoOpcode op) {
  return op == IoOpcode::kWrite || op == IoOpcode::kWritev;
}
constexpr bool IsSyncOpcode(IoOpcode op) {
  return op == IoOpcode::kFsync || op == IoOpcode::kFdatasync;
}

// The outcome of one operation: how many bytes moved, or the errno that stopped it.
class IoResult {
 public:
  static constexpr IoResult Bytes(size_t count) { return IoResult(static_cast<int64_t>(count)); }
  static constexpr IoResult Error(int sys_errno) { return IoResult(-static_cast<int64_t>(sys_errno)); }

  constexpr bool ok() const { return value_ >= 0; }
  // REQUIRES: ok()
  constexpr size_t bytes() const { return static_cast<size_t>(value_); }
  // The errno, or 0 when ok().
  constexpr int error() const { return value_ < 0 ? static_cast<int>(-value_) : 0; }
  // OK, or the errno as a Status naming `context` (ENOSPC becomes kNoSpace).
  Status ToStatus(std::string_view context) const;

  constexpr bool operator==(const IoResult&) const = default;

 private:
  constexpr explicit IoResult(int64_t value) : value_(value) {}
  int64_t value_;
};

// Reads and writes at this offset use (and advance) the file position, for pipes and
// other streams that have no offsets. Log files always use explicit offsets.
inline constexpr uint64_t kCurrentPosition = ~uint64_t{0};

struct IoRequest {
  using Callback = std::function<void(IoResult)>;

  // ---- Set by the caller before Prepare(); left alone until the callback.
  IoOpcode opcode = IoOpcode::kRead;
  int fd = -1;
  uint64_t offset = 0;
  // kRead and kWrite: one contiguous buffer.
  void* buffer = nullptr;
  size_t length = 0;
  // kReadv and kWritev: the array (and the memory it points to) stays valid until the
  // callback; the engine never writes to it.
  const iovec* iov = nullptr;
  int iov_count = 0;
  // Called exactly once, on the owner thread, from Poll(), Wait() or Drain() (never
  // from Prepare() or Submit()). A read or write completes when every byte has moved,
  // at end of file (a read), or at the first error; the result then carries the bytes
  // moved in all or the errno. The engine moves the callback out of the request before
  // calling it, so the callback may destroy the request or prepare it again.
  Callback callback;

  // ---- The engine's, from Prepare() until the callback; callers don't touch it.
  struct EngineState {
    IoRequest* next = nullptr;  // intrusive queue link
    size_t done = 0;            // bytes already moved by earlier partial transfers
    uint64_t start_ticks = 0;   // CycleClock at Submit(), for latency statistics
    // For a vectored transfer resumed after a partial one: the iovecs still to move.
    std::vector<iovec> rest;
    int64_t raw_result = 0;     // the worker's outcome, handed to the owner thread
    uint32_t resubmissions = 0; // partial transfers completed by another attempt
    void* wrapper = nullptr;    // for engines that wrap another one
  } engine;

  // Total bytes the request moves when it completes in full (0 for syncs).
  size_t TotalLength() const;
};

}  // namespace ferrite
