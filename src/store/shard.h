// Shard: one thread that owns an IoEngine and the LogStore of one slice of the keyspace.
// Other threads hand it tasks through a queue (mutex + eventfd); the thread waits on
// that eventfd and the engine's completion fd together, runs tasks, and polls the store.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "io/io_options.h"
#include "storage/log_store.h"

namespace ferrite {

struct ShardOptions {
  IoEngineKind engine = IoEngineKind::kThreads;  // never kAuto
  IoOptions io;
  LogStoreOptions store;
};

class Shard {
 public:
  // Runs on the shard thread with its store.
  using Task = std::function<void(LogStore&)>;

  // Starts the thread, which creates the engine and opens the store; returns once that
  // is done. Its error (or the thread's creation failure) otherwise.
  static Result<std::unique_ptr<Shard>> Open(uint32_t id, ShardOptions options);

  // Close(), ignoring its status.
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Queues `task`; Shutdown (and the task dropped) once Close() began.
  Status Post(Task task);
  // Checkpoints the store (LogStore::Checkpoint); `done` runs on the shard thread once
  // everything written before the call is durable and the checkpoint current.
  // Checkpoints asked for while one runs share the next one. Shard thread only.
  void Checkpoint(std::function<void(Status)> done);
  // Runs every queued task, completes every operation, checkpoints, closes the store
  // and joins the thread. Idempotent; later calls return the first one's status.
  // REQUIRES: not called on the shard thread.
  Status Close();

  uint32_t id() const { return id_; }

 private:
  explicit Shard(uint32_t id);

  void Run(ShardOptions options, std::promise<Status> opened);
  // Takes the queued tasks and runs them. Shard thread only.
  bool RunTasks();
  // Blocks in poll() on the wake eventfd and the engine's completion fd.
  void WaitForWork();
  void Wake();

  const uint32_t id_;
  int wake_fd_ = -1;
  std::thread thread_;

  std::mutex close_mutex_;  // serializes Close()
  std::mutex mutex_;
  std::vector<Task> tasks_;  // guarded by mutex_
  bool closing_ = false;     // guarded by mutex_
  bool closed_ = false;      // guarded by mutex_ (Close() finished)
  Status close_status_;      // guarded by mutex_

  // Shard thread only.
  std::unique_ptr<IoEngine> engine_;
  std::unique_ptr<LogStore> store_;
  int completion_fd_ = -1;
  Status exit_status_;  // read by Close() after the join
};

}  // namespace ferrite
