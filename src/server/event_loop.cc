#include "server/event_loop.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace ferrite {
namespace {

constexpr int kMaxEventsPerWait = 1024;

// Distinguishes the wake-up eventfd from handlers in epoll's data field.
char wakeup_tag;

}  // namespace

int64_t EventLoop::MonotonicMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

EventLoop::EventLoop() : owner_(std::this_thread::get_id()), now_ms_(MonotonicMs()) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  wakeup_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeup_fd_ < 0) {
    close(epoll_fd_);
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  struct epoll_event event = {};
  event.events = EPOLLIN;
  event.data.ptr = &wakeup_tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wakeup_fd_, &event) != 0) {
    int saved = errno;
    close(wakeup_fd_);
    close(epoll_fd_);
    throw std::system_error(saved, std::generic_category(), "epoll_ctl");
  }
}

EventLoop::~EventLoop() {
  close(wakeup_fd_);
  close(epoll_fd_);
}

void EventLoop::Run() {
  owner_ = std::this_thread::get_id();
  struct epoll_event events[kMaxEventsPerWait];
  while (!stop_.load(std::memory_order_acquire)) {
    if (before_sleep_) before_sleep_();
    int ready = epoll_wait(epoll_fd_, events, kMaxEventsPerWait, NextTimeoutMs());
    now_ms_ = MonotonicMs();
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.ptr == &wakeup_tag) {
        uint64_t count;
        while (read(wakeup_fd_, &count, sizeof(count)) > 0) {
        }
        continue;
      }
      static_cast<IoHandler*>(events[i].data.ptr)->OnIoEvent(events[i].events);
    }
    RunPostedTasks();
    RunDueTimers();
  }
  // Tasks posted before Stop() still run: they may complete work other threads wait on.
  RunPostedTasks();
}

void EventLoop::Stop() {
  stop_.store(true, std::memory_order_release);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(wakeup_fd_, &one, sizeof(one));
}

void EventLoop::Post(Task task) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(tasks_mutex_);
    tasks_.push_back(std::move(task));
    has_tasks_.store(true, std::memory_order_release);
    wake = !wakeup_pending_;
    wakeup_pending_ = true;
  }
  if (wake) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t written = write(wakeup_fd_, &one, sizeof(one));
  }
}

void EventLoop::RunPostedTasks() {
  // A task posted after this check wrote the eventfd: the next iteration runs it.
  if (!has_tasks_.load(std::memory_order_acquire)) return;
  {
    std::lock_guard<std::mutex> lock(tasks_mutex_);
    running_tasks_.swap(tasks_);
    has_tasks_.store(false, std::memory_order_relaxed);
    wakeup_pending_ = false;
  }
  for (Task& task : running_tasks_) task();
  running_tasks_.clear();
}

Status EventLoop::Watch(int fd, uint32_t events, IoHandler* handler) {
  struct epoll_event event = {};
  event.events = events;
  event.data.ptr = handler;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    return Status::FromErrno(errno, "epoll_ctl(ADD)");
  }
  return Status::Ok();
}

Status EventLoop::Modify(int fd, uint32_t events, IoHandler* handler) {
  struct epoll_event event = {};
  event.events = events;
  event.data.ptr = handler;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) != 0) {
    return Status::FromErrno(errno, "epoll_ctl(MOD)");
  }
  return Status::Ok();
}

void EventLoop::Unwatch(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

uint64_t EventLoop::RunAfter(int64_t delay_ms, Task task) {
  uint64_t id = next_timer_id_++;
  int64_t deadline = MonotonicMs() + delay_ms;
  timers_.emplace(std::make_pair(deadline, id), std::move(task));
  timer_deadlines_.emplace(id, deadline);
  return id;
}

void EventLoop::CancelTimer(uint64_t id) {
  auto it = timer_deadlines_.find(id);
  if (it == timer_deadlines_.end()) return;
  timers_.erase({it->second, id});
  timer_deadlines_.erase(it);
}

void EventLoop::RunDueTimers() {
  while (!timers_.empty() && timers_.begin()->first.first <= now_ms_) {
    auto node = timers_.extract(timers_.begin());
    timer_deadlines_.erase(node.key().second);
    node.mapped()();
  }
}

int EventLoop::NextTimeoutMs() const {
  // Posted tasks need no check here: every Post() that finds no wake-up pending
  // writes the eventfd, so epoll_wait returns at once.
  if (timers_.empty()) return -1;
  // now_ms_ is from this iteration's wake-up: a timer may fire a little late, never
  // early, and the loop reads the clock once per iteration.
  int64_t wait = timers_.begin()->first.first - now_ms_;
  return wait <= 0 ? 0 : static_cast<int>(std::min<int64_t>(wait, 60'000));
}

}  // namespace ferrite
