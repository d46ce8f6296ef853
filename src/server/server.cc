#include "server/server.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <random>
#include <system_error>

#include "commands/command_families.h"
#include "io/engine_factory.h"
#include "server/config_params.h"
#include "server/event_loop.h"
#include "server/listener.h"
#include "server/worker.h"
#include "storage/log_address.h"
#include "store/database_map.h"
#include "store/db_layout.h"
#include "util/cycle_clock.h"
#include "util/logging.h"

namespace ferrite {
namespace {

std::string RandomHex(size_t length) {
  std::random_device device;
  std::mt19937_64 generator((static_cast<uint64_t>(device()) << 32) ^ device());
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(length, '0');
  for (char& c : out) c = kDigits[generator() & 15];
  return out;
}

// The shard count: `threads`, or one per core, except that a data directory written
// before keeps the count it was written with when the count is automatic (keys are
// placed by it; db_layout.h).
int ShardCount(const ServerConfig& config) {
  if (config.threads > 0) return config.threads;
  auto recorded = ReadDbLayoutShards(config.dir);
  if (recorded.ok() && recorded->has_value()) return static_cast<int>(**recorded);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int64_t UnixMs() {
  struct timeval now;
  gettimeofday(&now, nullptr);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_usec / 1000;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int64_t RaiseOpenFilesLimit(int64_t maxclients, int reserved_fds) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return maxclients;
  rlim_t wanted = static_cast<rlim_t>(maxclients) + static_cast<rlim_t>(reserved_fds);
  if (limit.rlim_cur >= wanted) return maxclients;
  rlim_t target = std::min(wanted, limit.rlim_max);
  struct rlimit raised = {target, limit.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit.rlim_cur = target;
  if (limit.rlim_cur >= wanted) return maxclients;
  int64_t possible = static_cast<int64_t>(limit.rlim_cur) - reserved_fds;
  return std::max<int64_t>(possible, 1);
}

Server::Server(ServerConfig config)
    : commands_(BuildCommandRegistry()),
      config_(std::make_shared<const ServerConfig>(std::move(config))) {
  identity_.run_id = RandomHex(40);
  identity_.start_unix_ms = UnixMs();
  identity_.start_monotonic_ms = EventLoop::MonotonicMs();
  CycleClock::ToMicros(0);  // calibrates the clock now rather than on the first command
  std::error_code error;
  identity_.executable = std::filesystem::read_symlink("/proc/self/exe", error).string();

  shutdown_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (shutdown_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");

  const int threads = ShardCount(*config_);
  for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(*this, i));
}

Server::~Server() {
  Stop();
  close(shutdown_fd_);
}

std::shared_ptr<const ServerConfig> Server::config() const {
  std::lock_guard<std::mutex> lock(config_mutex_);
  return config_;
}

Status Server::Start() {
  Status status = Listen();
  if (status.ok()) status = StartWorkers();
  if (status.ok()) Serve();
  return status;
}

Status Server::Listen() {
  std::shared_ptr<const ServerConfig> config = this->config();
  listener_ = std::make_unique<Listener>(*this, *workers_[0]);
  Status status = listener_->Bind(config->bind, config->port, config->tcp_backlog);
  if (!status.ok()) return status;
  bound_port_ = listener_->port();
  return Status::Ok();
}

uint64_t EffectiveMemoryBudget(const ServerConfig& config) {
  if (config.maxmemory != 0) return config.maxmemory;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return uint64_t{1} << 30;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 4;
}

Result<std::vector<KeyspaceShardOptions>> Server::PlanShards() const {
  std::shared_ptr<const ServerConfig> config = this->config();
  auto geometry = LogGeometry::FromSizes(config->storage_page_size, config->storage_segment_size);
  if (!geometry.ok()) {
    return Status::InvalidArgument("storage.page_size / storage.segment_size: " +
                                   std::string(geometry.status().message()));
  }
  const uint32_t shards = static_cast<uint32_t>(workers_.size());
  if (Status layout = CheckOrCreateDbLayout(config->dir, shards); !layout.ok()) {
    return Status::InvalidArgument(std::string(layout.message()) +
                                   " (set threads to that count, or 0 to follow the directory)");
  }
  const uint64_t shard_budget = EffectiveMemoryBudget(*config) / shards;
  const uint64_t pages = shard_budget / config->storage_page_size;
  if (pages < 4) {
    return Status::InvalidArgument(fmt::format(
        "maxmemory of {} bytes leaves each of the {} shards {} pages of {} bytes; a shard needs "
        "at least 4 (raise maxmemory or lower storage.page_size)",
        EffectiveMemoryBudget(*config), shards, pages, config->storage_page_size));
  }
  std::vector<KeyspaceShardOptions> plan;
  for (uint32_t i = 0; i < shards; ++i) {
    const std::string directory = config->dir + "/shard-" + std::to_string(i);
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) return Status::FromErrno(error.value(), "create " + directory);
    KeyspaceShardOptions options;
    options.store.log = {
        .directory = directory,
        .geometry = *geometry,
        .memory_pages = static_cast<uint32_t>(std::min<uint64_t>(pages, UINT32_MAX)),
        .direct_io = config->io.direct_io};
    options.store.memory_budget = shard_budget;
    plan.push_back(std::move(options));
  }
  return plan;
}

Status Server::StartWorkers() {
  const IoOptions io = config()->io;
  // Decided once, here: every worker then creates the same kind of engine.
  auto choice = ChooseIoEngine(io);
  if (!choice.ok()) return choice.status();
  io_engine_kind_ = choice->kind;
  io_fallback_reason_ = std::move(choice->fallback_reason);
  if (!io_fallback_reason_.empty()) {
    spdlog::warn("io_uring is unavailable ({}); using the thread-pool I/O engine",
                 io_fallback_reason_);
  }

  auto plan = PlanShards();
  if (!plan.ok()) return plan.status();
  auto database_map = DatabaseMap::Open(config()->dir);
  if (!database_map.ok()) return database_map.status();
  database_map_ = std::move(database_map).value();

  // Each thread reports whether it could create its engine (with the engine's
  // settings) and open its shard before it runs its loop. The promise lives in the thread's
  // closure, so that it is never destroyed while the thread is still setting it.
  std::vector<std::future<Result<std::string>>> opened;
  for (size_t i = 0; i < workers_.size(); ++i) {
    std::promise<Result<std::string>> promise;
    opened.push_back(promise.get_future());
    threads_.emplace_back([w = workers_[i].get(), kind = io_engine_kind_, io,
                           shard = std::move((*plan)[i]), promise = std::move(promise)]() mutable {
      Status status = w->OpenIoEngine(kind, io);
      if (!status.ok()) {
        promise.set_value(Status::ResourceExhausted(
            fmt::format("worker thread {} can't create its {} I/O engine: {}", w->index(),
                        IoEngineKindName(kind), status.message())));
        return;
      }
      status = w->OpenKeyspace(std::move(shard));
      if (!status.ok()) {
        promise.set_value(Status::ResourceExhausted(fmt::format(
            "worker thread {} can't open its shard: {}", w->index(), status.message())));
        return;
      }
      promise.set_value(w->io_engine()->settings());
      w->Run();
    });
  }
  Status failure;
  std::string settings;
  for (size_t i = 0; i < opened.size(); ++i) {
    Result<std::string> result = opened[i].get();
    if (!result.ok() && failure.ok()) {
      failure = result.status();
    }
    if (result.ok() && settings.empty()) settings = std::move(result).value();
  }
  if (!failure.ok()) return failure;
  spdlog::info("I/O engine: {} ({}), one per worker thread", IoEngineKindName(io_engine_kind_),
               settings);
  std::shared_ptr<const ServerConfig> config = this->config();
  std::error_code ignored;
  const std::string where =
      std::filesystem::absolute(config->dir, ignored).lexically_normal().string();
  spdlog::info("Keyspace: {} shards in {}, memory budget {} MiB{} (maxmemory), log pages of {} KiB",
               workers_.size(), where, EffectiveMemoryBudget(*config) >> 20,
               config->maxmemory == 0 ? ", a quarter of RAM" : "", config->storage_page_size >> 10);
  return Status::Ok();
}

void Server::Serve() {
  // The listener belongs to worker 0's loop, which is running by now.
  workers_[0]->loop().Post([this] { listener_->Start(); });
}

void Server::WaitForShutdown() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  struct pollfd fds[2] = {{shutdown_fd_, POLLIN, 0}, {signal_fd, POLLIN, 0}};
  while (true) {
    int ready = poll(fds, signal_fd >= 0 ? 2 : 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (fds[0].revents & POLLIN) {
      std::lock_guard<std::mutex> lock(shutdown_mutex_);
      spdlog::warn("{}", shutdown_reason_);
      break;
    }
    if (signal_fd >= 0 && (fds[1].revents & POLLIN)) {
      struct signalfd_siginfo info;
      if (read(signal_fd, &info, sizeof(info)) == sizeof(info)) {
        spdlog::warn("Received {} scheduling shutdown...",
                     info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
      }
      break;
    }
  }
  if (signal_fd >= 0) close(signal_fd);
}

void Server::RequestShutdown(std::string reason) {
  {
    std::lock_guard<std::mutex> lock(shutdown_mutex_);
    shutdown_reason_ = std::move(reason);
  }
  shutdown_requested_.store(true, std::memory_order_release);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(shutdown_fd_, &one, sizeof(one));
}

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (listener_) {
    // The listener lives on worker 0's loop: close it there, before the loop ends.
    workers_[0]->loop().Post([this] { listener_->Close(); });
  }
  for (auto& worker : workers_) {
    worker->loop().Post([w = worker.get()] { w->CloseAllConnections(); });
    worker->loop().Stop();
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  if (listener_) listener_->Close();  // if the workers never ran
}

Worker& Server::PickWorkerForConnection() {
  return *workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

void Server::PostToWorker(size_t index, std::function<void()> task) {
  workers_[index]->loop().Post(std::move(task));
}

void Server::PostToOrigin(Worker& origin, std::function<void()> task) {
  origin.loop().Post(std::move(task));
}

void Server::ChangeConfig(ConfigPairs changes, Worker& origin, std::function<void(Status)> done) {
  std::shared_ptr<const ServerConfig> installed;
  {
    std::lock_guard<std::mutex> lock(config_mutex_);
    ServerConfig updated = *config_;
    Status status = ApplyConfigChanges(updated, changes, /*at_runtime=*/true);
    if (status.ok() && updated.maxclients > config_->maxclients) {
      int64_t possible =
          RaiseOpenFilesLimit(updated.maxclients, 32 + 4 * static_cast<int>(workers_.size()));
      if (possible < updated.maxclients) {
        status = Status::InvalidArgument(
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating "
            "system is not able to handle the specified number of clients, try with " +
            std::to_string(possible));
      }
    }
    if (status.ok() && updated.maxmemory != config_->maxmemory) {
      // Every shard's share must still hold four log pages.
      const uint64_t share = EffectiveMemoryBudget(updated) / workers_.size();
      if (share / updated.storage_page_size < 4) {
        status = Status::InvalidArgument(fmt::format(
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - each of the {} "
            "shards needs at least 4 pages of {} bytes",
            workers_.size(), updated.storage_page_size));
      }
    }
    if (!status.ok()) {
      done(std::move(status));
      return;
    }
    if (updated.loglevel != config_->loglevel) SetLogLevel(updated.loglevel);
    updated.version = config_->version + 1;
    config_ = std::make_shared<const ServerConfig>(std::move(updated));
    installed = config_;
  }
  // Only report success once every thread enforces the new values.
  Gather<bool>(
      origin,
      [installed](Worker& worker) {
        worker.InstallConfig(installed);
        return true;
      },
      [done = std::move(done)](std::vector<bool>) { done(Status::Ok()); });
}

void Server::SampleMetrics(int64_t now_ms) {
  uint64_t ops = 0, input = 0, output = 0;
  for (const auto& worker : workers_) {
    ops += worker->stats().commands_processed.Get();
    input += worker->stats().net_input_bytes.Get();
    output += worker->stats().net_output_bytes.Get();
  }
  ops_rate_.Sample(now_ms, ops);
  input_rate_.Sample(now_ms, input);
  output_rate_.Sample(now_ms, output);
}

}  // namespace ferrite
