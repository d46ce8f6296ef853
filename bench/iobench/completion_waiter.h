// Blocks the benchmark's thread until an engine has run some callbacks, either through
// the engine's own Wait() or, like an event loop, by waiting in epoll_wait on the
// engine's completion_fd() and then calling Poll(). Comparing the two shows what the
// eventfd path costs each engine.
#pragma once

#include "bench_files.h"
#include "ferrite/status.h"
#include "io/io_engine.h"
#include "slice.h"

namespace ferrite::iobench {

class CompletionWaiter {
 public:
  // kEpoll fails when the engine can't provide a completion descriptor.
  static Result<CompletionWaiter> Create(IoEngine& engine, Completion mode);

  // Returns once at least one callback has run, or at once when nothing is in flight.
  // REQUIRES: everything prepared has been submitted.
  void WaitForCompletions();

 private:
  CompletionWaiter(IoEngine& engine, Completion mode, ScopedFd epoll_fd)
      : engine_(&engine), mode_(mode), epoll_fd_(std::move(epoll_fd)) {}

  IoEngine* engine_;
  Completion mode_;
  ScopedFd epoll_fd_;
};

}  // namespace ferrite::iobench
