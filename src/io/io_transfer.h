// What both engines do with the raw result of one attempt at a request: finish it, or
// resubmit the part that did not move (a short read or write, EINTR, EAGAIN), so that
// callers never see partial transfers. Also the per-request bookkeeping of statistics.
#pragma once

#include <sys/uio.h>

#include <cstdint>

#include "io/io_request.h"
#include "io/io_stats.h"
#include "io/request_queue.h"

namespace ferrite {

// The most one attempt at a kRead or kWrite moves; the engine resubmits the rest.
inline constexpr size_t kMaxAttemptLength = size_t{1} << 30;

// The part of a request still to move: where, from which memory.
struct TransferPiece {
  void* buffer = nullptr;  // kRead, kWrite
  size_t length = 0;
  const iovec* iov = nullptr;  // kReadv, kWritev
  int iov_count = 0;
  uint64_t offset = 0;  // kCurrentPosition for streams
};

TransferPiece RemainingPiece(const IoRequest& request);

// Folds `raw` (bytes moved by the last attempt, or -errno) into the request's progress.
// Returns true when the request is finished, with its result in `*result`; false when
// the engine must submit RemainingPiece() again.
bool AdvanceTransfer(IoRequest& request, int64_t raw, IoResult* result);

// Performs one attempt synchronously (pread/pwritev/fsync...): the thread pool's worker
// and the probes use it. Returns bytes moved or -errno.
int64_t PerformAttempt(const IoRequest& request);

// Counts a finished request in `stats` and runs its callback (moved out first, so the
// callback may reuse or destroy the request).
void FinishRequest(IoRequest& request, IoResult result, IoStats& stats, uint64_t now_ticks);

// Finishes every request of `finished` with the outcome kept in its raw_result, in queue
// order; `in_flight` drops before each callback, so a callback sees the engine's true
// count. Returns how many callbacks ran.
size_t FinishAll(RequestQueue& finished, IoStats& stats, size_t& in_flight);

}  // namespace ferrite
