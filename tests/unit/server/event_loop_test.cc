#include "server/event_loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace ferrite {
namespace {

class LoopThread {
 public:
  LoopThread() : thread_([this] { loop_.Run(); }) {}
  ~LoopThread() {
    loop_.Stop();
    thread_.join();
  }
  EventLoop& loop() { return loop_; }

 private:
  EventLoop loop_;
  std::thread thread_;
};

TEST(EventLoopTest, PostedTasksRunOnTheLoopThreadInOrder) {
  LoopThread runner;
  std::vector<int> order;
  std::promise<std::thread::id> done;
  for (int i = 0; i < 100; ++i) runner.loop().Post([&order, i] { order.push_back(i); });
  runner.loop().Post([&] { done.set_value(std::this_thread::get_id()); });
  std::thread::id loop_thread = done.get_future().get();
  EXPECT_NE(loop_thread, std::this_thread::get_id());
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(EventLoopTest, PostsFromManyThreadsAllRun) {
  LoopThread runner;
  std::atomic<int> count{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) runner.loop().Post([&] { count.fetch_add(1); });
    });
  }
  for (auto& poster : posters) poster.join();
  std::promise<void> flushed;
  runner.loop().Post([&] { flushed.set_value(); });
  flushed.get_future().get();
  EXPECT_EQ(count.load(), 4000);
}

TEST(EventLoopTest, TimersFireInDeadlineOrderAndCanBeCancelled) {
  LoopThread runner;
  std::promise<std::vector<int>> result;
  auto fired = std::make_shared<std::vector<int>>();
  runner.loop().Post([&] {
    EventLoop& loop = runner.loop();
    loop.RunAfter(30, [fired] { fired->push_back(30); });
    uint64_t cancelled = loop.RunAfter(20, [fired] { fired->push_back(20); });
    loop.RunAfter(10, [fired] { fired->push_back(10); });
    loop.RunAfter(50, [fired, &result] { result.set_value(*fired); });
    loop.CancelTimer(cancelled);
  });
  int64_t start = EventLoop::MonotonicMs();
  std::vector<int> order = result.get_future().get();
  EXPECT_GE(EventLoop::MonotonicMs() - start, 45);
  EXPECT_EQ(order, (std::vector<int>{10, 30}));
}

class PipeReader final : public IoHandler {
 public:
  explicit PipeReader(int fd) : fd_(fd) {}
  void OnIoEvent(uint32_t events) override {
    if (events & EPOLLIN) {
      char buffer[64];
      ssize_t n = read(fd_, buffer, sizeof(buffer));
      if (n > 0) received.append(buffer, static_cast<size_t>(n));
      if (received.size() >= 5) done.set_value();
    }
  }
  std::string received;
  std::promise<void> done;

 private:
  int fd_;
};

TEST(EventLoopTest, WatchedDescriptorsDeliverEvents) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  PipeReader reader(fds[0]);
  LoopThread runner;
  std::promise<Status> watched;
  runner.loop().Post([&] { watched.set_value(runner.loop().Watch(fds[0], EPOLLIN, &reader)); });
  ASSERT_TRUE(watched.get_future().get().ok());
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  reader.done.get_future().wait();
  EXPECT_EQ(reader.received, "hello");
  std::promise<void> unwatched;
  runner.loop().Post([&] {
    runner.loop().Unwatch(fds[0]);
    unwatched.set_value();
  });
  unwatched.get_future().wait();
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoopTest, WatchingABadDescriptorIsAnError) {
  EventLoop loop;
  PipeReader reader(-1);
  Status status = loop.Watch(-1, EPOLLIN, &reader);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kIoError);
}

TEST(EventLoopTest, BeforeSleepRunsEachIteration) {
  EventLoop loop;
  int calls = 0;
  loop.SetBeforeSleep([&] {
    if (++calls == 3) loop.Stop();
    loop.Post([] {});  // keeps the loop from sleeping
  });
  loop.Run();
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace ferrite
