// IoEngine: the one interface through which the log, its checkpoints and the AOF do disk
// I/O (ADR 0007). Operations are prepared one by one, handed to the kernel (or the
// worker pool) a batch at a time by Submit(), and completed by callbacks that run on the
// owner thread inside Poll(), Wait() or Drain(), never inside Prepare() or Submit().
//
// Thread safety: an engine belongs to one owner thread, and every call is made from it.
//
// Shutdown: the destructor drains: every request prepared gets its callback, with its
// real result, before the destructor returns; none is lost and none comes later.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ferrite/status.h"
#include "io/io_buffer_pool.h"
#include "io/io_request.h"
#include "io/io_stats.h"

namespace ferrite {

class IoEngine {
 public:
  virtual ~IoEngine() = default;

  // "uring" or "threads" (a wrapper names what it wraps).
  virtual std::string_view name() const = 0;
  // The settings that shape the engine, as INFO shows them: "entries=256 ...".
  virtual std::string settings() const = 0;

  // Queues `request`. REQUIRES: the caller filled it and keeps it in place until its
  // callback. More requests than the kernel ring holds simply wait in the queue.
  virtual void Prepare(IoRequest& request) = 0;
  // Hands every queued request that fits to the kernel in one batch (one system call
  // for io_uring, one wake-up for the pool). Returns how many were handed over.
  virtual size_t Submit() = 0;
  // Runs the callbacks of operations that have completed, without blocking; then
  // submits what the completions made room for. Returns how many callbacks ran.
  virtual size_t Poll() = 0;
  // Submits, then blocks until at least `min_completions` callbacks have run or nothing
  // is in flight. Returns how many ran. Requests that those callbacks prepare go in with
  // the next Submit(), Poll() or Wait().
  virtual size_t Wait(size_t min_completions) = 0;
  // Submits and waits until nothing is in flight.
  void Drain() {
    Submit();
    while (in_flight() > 0) Wait(in_flight());
  }

  // Becomes readable when completions are ready to Poll(): the owner's event loop
  // watches it. Owner thread; an owner that relies on it asks for it before its first
  // Submit() (UringEngine registers the eventfd with its ring on the first call, so that
  // owners that only Wait() never pay for the signals).
  virtual int completion_fd() const = 0;
  // Prepared requests whose callbacks have not run yet.
  virtual size_t in_flight() const = 0;

  // Files used for many operations (log segments) can be registered, saving the kernel
  // a file-table lookup per operation. Requests name the descriptor either way;
  // unregister before closing it. The thread engine accepts both as no-ops.
  virtual Status RegisterFile(int fd) = 0;
  virtual void UnregisterFile(int fd) = 0;

  // Aligned buffers registered with the kernel where the engine supports it; a request
  // whose memory lies inside one of them uses it as a fixed buffer.
  virtual IoBufferPool& buffers() = 0;

  virtual const IoStats& stats() const = 0;
  virtual void ResetStats() = 0;
};

}  // namespace ferrite
