// One epoll loop per worker thread. Sockets, timers and tasks registered with a loop
// run on its thread only; other threads reach it through Post(). Handlers are called
// after epoll_wait() returns, never from inside a registration call.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ferrite/status.h"

namespace ferrite {

class IoHandler {
 public:
  // `events` is the epoll event mask (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR).
  virtual void OnIoEvent(uint32_t events) = 0;

 protected:
  ~IoHandler() = default;
};

class EventLoop {
 public:
  using Task = std::function<void()>;

  // Startup only: throws std::system_error when epoll or eventfd can't be created.
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs until Stop(). Call from the thread that will own the loop.
  void Run();
  // Any thread.
  void Stop();
  // Runs `task` on the loop's thread, in posting order, at the next iteration. Any thread.
  void Post(Task task);

  // Loop thread only (or before Run()). `handler` must outlive its registration.
  Status Watch(int fd, uint32_t events, IoHandler* handler);
  Status Modify(int fd, uint32_t events, IoHandler* handler);
  void Unwatch(int fd);

  // Runs `task` once, `delay_ms` from now. Returns an id for CancelTimer.
  uint64_t RunAfter(int64_t delay_ms, Task task);
  void CancelTimer(uint64_t id);
  // Runs before each wait for events: where buffered replies are written.
  void SetBeforeSleep(Task hook) { before_sleep_ = std::move(hook); }

  // Monotonic milliseconds, read when the loop last woke up.
  int64_t now_ms() const { return now_ms_; }
  bool InLoopThread() const { return std::this_thread::get_id() == owner_; }

  static int64_t MonotonicMs();

 private:
  class Wakeup;
  void RunPostedTasks();
  void RunDueTimers();
  int NextTimeoutMs() const;

  int epoll_fd_ = -1;
  int wakeup_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread::id owner_;
  int64_t now_ms_ = 0;
  Task before_sleep_;

  std::mutex tasks_mutex_;
  std::vector<Task> tasks_;  // guarded by tasks_mutex_
  bool wakeup_pending_ = false;  // guarded by tasks_mutex_
  // Set with tasks_ non-empty, so the loop takes the lock only when there is work.
  std::atomic<bool> has_tasks_{false};
  std::vector<Task> running_tasks_;  // loop thread only

  // Timers ordered by (deadline, id); the id map finds a timer to cancel.
  std::map<std::pair<int64_t, uint64_t>, Task> timers_;
  std::unordered_map<uint64_t, int64_t> timer_deadlines_;
  uint64_t next_timer_id_ = 1;
};

}  // namespace ferrite
