// ferrite-server: loads the configuration, starts the server, and waits for SIGINT,
// SIGTERM or SHUTDOWN.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "commands/command_families.h"
#include "server/config_loader.h"
#include "server/server.h"
#include "util/logging.h"

namespace {

int RunServer(ferrite::ServerConfig config) {
  using namespace ferrite;
  Status logging = ConfigureLogging(config.loglevel, config.logfile);
  if (!logging.ok()) {
    std::fprintf(stderr, "*** FATAL CONFIG ERROR *** %s\n", std::string(logging.message()).c_str());
    return 1;
  }
  // Before any thread exists, so that every thread inherits the blocked mask.
  BlockShutdownSignals();

  spdlog::info("Ferrite is starting");
  spdlog::info("Ferrite version={} (Redis {} compatible), bits={}, pid={}, just started",
               FERRITE_VERSION, kRedisCompatibleVersion, sizeof(void*) * 8, getpid());
  if (config.config_file.empty()) {
    spdlog::warn("No config file specified, using the default config. In order to specify a "
                 "config file use ferrite-server /path/to/ferrite.toml");
  } else {
    spdlog::info("Configuration loaded from {}", config.config_file);
  }

  std::error_code error;
  std::filesystem::create_directories(config.dir, error);
  if (error) {
    spdlog::warn("Can't create the data directory {}: {}", config.dir, error.message());
    return 1;
  }
  spdlog::info("Data directory: {}", std::filesystem::absolute(config.dir).lexically_normal().string());

  int threads = config.threads > 0 ? config.threads
                                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Descriptors besides clients: per thread an epoll, an eventfd, an I/O engine's ring
  // and eventfd, the listeners, logs and data files.
  int reserved_fds = 32 + 4 * threads;
  int64_t allowed = RaiseOpenFilesLimit(config.maxclients, reserved_fds);
  if (allowed < config.maxclients) {
    spdlog::warn("You requested maxclients of {} requiring at least {} max file descriptors.",
                 config.maxclients, config.maxclients + reserved_fds);
    spdlog::warn("Current maximum open files allows {} clients: maxclients has been reduced to "
                 "compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
                 allowed);
    config.maxclients = allowed;
  }

  Server server(std::move(config));
  Status listening = server.Listen();
  if (!listening.ok()) {
    spdlog::warn("{}", listening.message());
    spdlog::warn("Failed listening, aborting.");
    return 1;
  }
  Status started = server.StartWorkers();
  if (!started.ok()) {
    spdlog::warn("{}", started.message());
    spdlog::warn("Failed starting the I/O engine, aborting.");
    return 1;
  }
  spdlog::info("Server initialized with {} threads", server.worker_count());
  // Logged before any client can be served, so "ready" in the log means ready.
  spdlog::info("Ready to accept connections tcp on port {}", server.port());
  server.Serve();
  server.WaitForShutdown();
  server.Stop();
  spdlog::warn("Ferrite is now ready to exit, bye bye...");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto startup = ferrite::LoadStartupConfig(argc, argv);
  if (!startup.ok()) {
    std::fprintf(stderr, "*** FATAL CONFIG ERROR *** %s\n",
                 std::string(startup.status().message()).c_str());
    return 1;
  }
  if (startup->exit_code) return *startup->exit_code;
  try {
    return RunServer(std::move(startup->config));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Fatal error while starting: %s\n", e.what());
    return 1;
  }
}
