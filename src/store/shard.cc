// The shard thread's loop: tasks from other threads, engine completions, and the
// final drain and checkpoint at Close().
#include "store/shard.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <string>
#include <system_error>
#include <utility>

#include "io/engine_factory.h"

namespace ferrite {

Result<std::unique_ptr<Shard>> Shard::Open(uint32_t id, ShardOptions options) {
  std::unique_ptr<Shard> shard(new Shard(id));
  shard->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (shard->wake_fd_ < 0) {
    shard->closed_ = true;
    return Status::FromErrno(errno, "eventfd for shard " + std::to_string(id));
  }
  std::promise<Status> opened;
  std::future<Status> opened_future = opened.get_future();
  try {
    shard->thread_ = std::thread(
        [raw = shard.get(), options = std::move(options), opened = std::move(opened)]() mutable {
          raw->Run(std::move(options), std::move(opened));
        });
  } catch (const std::system_error& error) {
    shard->closed_ = true;
    return Status::ResourceExhausted("cannot start the thread of shard " + std::to_string(id) +
                                     ": " + error.what());
  }
  Status status = opened_future.get();
  if (!status.ok()) {
    // The thread returned without entering its loop.
    shard->thread_.join();
    shard->closed_ = true;
    return status;
  }
  return shard;
}

Shard::Shard(uint32_t id) : id_(id) {}

Shard::~Shard() {
  (void)Close();
  if (wake_fd_ >= 0) close(wake_fd_);
}

Status Shard::Post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return Status::Shutdown("the database is closed");
    tasks_.push_back(std::move(task));
  }
  Wake();
  return Status::Ok();
}

Status Shard::Close() {
  std::lock_guard close_lock(close_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (closed_) return close_status_;
    closing_ = true;
  }
  Wake();
  thread_.join();
  std::lock_guard lock(mutex_);
  closed_ = true;
  close_status_ = exit_status_;
  return close_status_;
}

void Shard::Wake() {
  const uint64_t one = 1;
  // Fails only when the counter would overflow, and then a wake-up is pending anyway.
  (void)!write(wake_fd_, &one, sizeof(one));
}

void Shard::Run(ShardOptions options, std::promise<Status> opened) {
  const std::string name = "ferrite-shard" + std::to_string(id_);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());

  auto engine = CreateIoEngine(options.engine, options.io);
  if (!engine.ok()) {
    opened.set_value(engine.status());
    return;
  }
  engine_ = std::move(engine).value();
  // Asked for before the first Submit(), as the engine requires of owners that watch it.
  completion_fd_ = engine_->completion_fd();
  if (completion_fd_ < 0) {
    engine_.reset();
    opened.set_value(Status::ResourceExhausted("no completion fd from the I/O engine of shard " +
                                               std::to_string(id_)));
    return;
  }
  auto store = LogStore::Open(*engine_, std::move(options.store));
  if (!store.ok()) {
    engine_.reset();
    opened.set_value(store.status());
    return;
  }
  store_ = std::move(store).value();
  opened.set_value(Status::Ok());

  for (;;) {
    const bool ran = RunTasks();
    store_->Poll();
    if (ran) continue;
    bool closing;
    {
      std::lock_guard lock(mutex_);
      closing = closing_ && tasks_.empty();
    }
    if (closing) store_->StopCompaction();
    if (closing && store_->outstanding() == 0 && !store_->checkpoint_running() &&
        !store_->compaction_running()) {
      break;
    }
    WaitForWork();
  }

  exit_status_ = store_->RunSync<Status>([this](auto done) {
    Status started = store_->Checkpoint(done);
    if (!started.ok()) done(std::move(started));
  });
  store_.reset();
  engine_.reset();
}

bool Shard::RunTasks() {
  // Clear the signal before taking the list: a task posted afterwards signals again.
  uint64_t count;
  (void)!read(wake_fd_, &count, sizeof(count));
  std::vector<Task> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
  }
  for (Task& task : tasks) task(*store_);
  return !tasks.empty();
}

void Shard::WaitForWork() {
  pollfd fds[2] = {{.fd = wake_fd_, .events = POLLIN, .revents = 0},
                   {.fd = completion_fd_, .events = POLLIN, .revents = 0}};
  // EINTR simply goes round the loop again.
  (void)poll(fds, 2, -1);
}

void Shard::Checkpoint(std::function<void(Status)> done) {
  auto shared = std::make_shared<std::function<void(Status)>>(std::move(done));
  Status started = store_->Checkpoint([shared](Status status) { (*shared)(std::move(status)); });
  if (!started.ok()) (*shared)(std::move(started));
}

}  // namespace ferrite
