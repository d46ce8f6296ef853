#include "io/thread_pool_engine.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "io/io_transfer.h"
#include "util/cycle_clock.h"

namespace ferrite {

Result<std::unique_ptr<ThreadPoolEngine>> ThreadPoolEngine::Create(const IoOptions& options) {
  if (options.pool_threads == 0) {
    return Status::InvalidArgument("the I/O thread pool needs at least one thread");
  }
  auto buffers = IoBufferPool::Create(options.registered_buffers, options.registered_buffer_size);
  if (!buffers.ok()) return buffers.status();
  int event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd < 0) return Status::FromErrno(errno, "eventfd for I/O completions");
  std::unique_ptr<ThreadPoolEngine> engine(
      new ThreadPoolEngine(options, event_fd, std::move(buffers).value()));
  try {
    for (uint32_t i = 0; i < options.pool_threads; ++i) {
      engine->workers_.emplace_back([raw = engine.get()] { raw->WorkerMain(); });
    }
  } catch (const std::system_error& e) {
    return Status::ResourceExhausted(std::string("starting I/O threads: ") + e.what());
  }
  return engine;
}

ThreadPoolEngine::ThreadPoolEngine(const IoOptions& options, int event_fd,
                                   std::unique_ptr<IoBufferPool> buffers)
    : options_(options), event_fd_(event_fd), buffers_(std::move(buffers)) {}

ThreadPoolEngine::~ThreadPoolEngine() {
  Drain();
  StopWorkers();
  close(event_fd_);
}

void ThreadPoolEngine::StopWorkers() {
  {
    std::lock_guard lock(work_mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

std::string ThreadPoolEngine::settings() const {
  return "threads=" + std::to_string(options_.pool_threads) +
         " buffers=" + std::to_string(buffers_->count()) + "x" +
         std::to_string(buffers_->buffer_size());
}

void ThreadPoolEngine::Prepare(IoRequest& request) {
  request.engine.done = 0;
  request.engine.resubmissions = 0;
  prepared_.PushBack(&request);
  ++in_flight_;
}

size_t ThreadPoolEngine::Submit() {
  size_t count = prepared_.size();
  if (count == 0) return 0;
  uint64_t now = CycleClock::Now();
  for (IoRequest* r = prepared_.front(); r != nullptr; r = r->engine.next) {
    r->engine.start_ticks = now;
  }
  {
    std::lock_guard lock(work_mutex_);
    work_.Splice(prepared_);
  }
  // Wake as many workers as there is work for; the rest sleep on.
  if (count >= workers_.size()) {
    work_ready_.notify_all();
  } else {
    for (size_t i = 0; i < count; ++i) work_ready_.notify_one();
  }
  ++stats_.submit_calls;
  return count;
}

void ThreadPoolEngine::WorkerMain() {
  for (;;) {
    IoRequest* request;
    {
      std::unique_lock lock(work_mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !work_.empty(); });
      if (work_.empty()) return;  // stopping, and nothing left
      request = work_.PopFront();
    }
    IoResult result = IoResult::Bytes(0);
    while (!AdvanceTransfer(*request, PerformAttempt(*request), &result)) {
    }
    request->engine.raw_result = result.ok() ? static_cast<int64_t>(result.bytes())
                                             : -static_cast<int64_t>(result.error());
    bool was_empty;
    {
      std::lock_guard lock(done_mutex_);
      was_empty = done_.empty();
      done_.PushBack(request);
    }
    // One signal per batch the owner has not collected yet.
    if (was_empty) {
      uint64_t one = 1;
      ssize_t written = write(event_fd_, &one, sizeof(one));
      (void)written;  // EAGAIN only when the counter is saturated: still readable
    }
  }
}

size_t ThreadPoolEngine::Poll() {
  // Clear the signal before taking the list: a worker that adds to the emptied list
  // afterwards signals again, so no completion waits unseen.
  uint64_t count;
  ssize_t got = read(event_fd_, &count, sizeof(count));
  (void)got;
  RequestQueue finished;
  {
    std::lock_guard lock(done_mutex_);
    finished.Splice(done_);
  }
  size_t ran = FinishAll(finished, stats_, in_flight_);
  if (!prepared_.empty()) Submit();
  return ran;
}

size_t ThreadPoolEngine::Wait(size_t min_completions) {
  Submit();
  size_t ran = 0;
  for (;;) {
    bool finished;
    {
      std::lock_guard lock(done_mutex_);
      finished = !done_.empty();
    }
    // A non-empty done list always has its eventfd signal pending, so Poll() reads a
    // signal rather than failing with EAGAIN.
    if (finished) ran += Poll();
    if (ran >= min_completions || in_flight_ == 0) break;
    if (!prepared_.empty()) Submit();
    pollfd ready{.fd = event_fd_, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, -1) < 0 && errno != EINTR) break;
  }
  return ran;
}

}  // namespace ferrite
