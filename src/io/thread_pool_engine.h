// ThreadPoolEngine: the IoEngine contract on a pool of worker threads doing blocking
// pread/pwrite/fsync. The fallback where io_uring is unavailable, and the baseline
// UringEngine is measured against (ADR 0007). Workers complete partial transfers
// themselves and hand finished requests back through a list and an eventfd, so
// callbacks still run on the owner thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "io/io_engine.h"
#include "io/io_options.h"
#include "io/request_queue.h"

namespace ferrite {

class ThreadPoolEngine final : public IoEngine {
 public:
  // Fails when threads, the eventfd or the buffer pool can't be created.
  static Result<std::unique_ptr<ThreadPoolEngine>> Create(const IoOptions& options);
  ~ThreadPoolEngine() override;

  std::string_view name() const override { return "threads"; }
  std::string settings() const override;
  void Prepare(IoRequest& request) override;
  size_t Submit() override;
  size_t Poll() override;
  size_t Wait(size_t min_completions) override;
  int completion_fd() const override { return event_fd_; }
  size_t in_flight() const override { return in_flight_; }
  Status RegisterFile(int) override { return Status::Ok(); }
  void UnregisterFile(int) override {}
  IoBufferPool& buffers() override { return *buffers_; }
  const IoStats& stats() const override { return stats_; }
  void ResetStats() override { stats_ = IoStats(); }

 private:
  ThreadPoolEngine(const IoOptions& options, int event_fd, std::unique_ptr<IoBufferPool> buffers);
  void WorkerMain();
  void StopWorkers();

  const IoOptions options_;
  const int event_fd_;
  std::unique_ptr<IoBufferPool> buffers_;
  std::vector<std::thread> workers_;

  // Owner thread only.
  RequestQueue prepared_;
  size_t in_flight_ = 0;
  IoStats stats_;

  // Shared with the workers.
  std::mutex work_mutex_;
  std::condition_variable work_ready_;
  RequestQueue work_;      // guarded by work_mutex_
  bool stopping_ = false;  // guarded by work_mutex_
  std::mutex done_mutex_;
  RequestQueue done_;  // guarded by done_mutex_; raw_result holds each outcome
};

}  // namespace ferrite
