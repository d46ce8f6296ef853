#include "completion_waiter.h"

#include <sys/epoll.h>

#include <cerrno>

namespace ferrite::iobench {

Result<CompletionWaiter> CompletionWaiter::Create(IoEngine& engine, Completion mode) {
  if (mode == Completion::kWait) return CompletionWaiter(engine, mode, ScopedFd());
  int completion_fd = engine.completion_fd();
  if (completion_fd < 0) return Status::NotSupported("the engine has no completion descriptor");
  ScopedFd epoll_fd(epoll_create1(EPOLL_CLOEXEC));
  if (epoll_fd.get() < 0) return Status::FromErrno(errno, "epoll_create1");
  epoll_event event{};
  event.events = EPOLLIN;
  if (epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, completion_fd, &event) != 0) {
    return Status::FromErrno(errno, "epoll_ctl on the completion descriptor");
  }
  return CompletionWaiter(engine, mode, std::move(epoll_fd));
}

void CompletionWaiter::WaitForCompletions() {
  if (mode_ == Completion::kWait) {
    engine_->Wait(1);
    return;
  }
  // An event loop sleeps first and polls on readiness; EINTR (io_uring's task work can
  // interrupt the sleep) just means looking again.
  while (engine_->in_flight() > 0) {
    epoll_event event;
    int ready = epoll_wait(epoll_fd_.get(), &event, 1, -1);
    if (ready < 0 && errno != EINTR) return;
    if (engine_->Poll() > 0) return;
  }
}

}  // namespace ferrite::iobench
