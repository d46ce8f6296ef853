#include "embedded_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "common/size_argument.h"
#include "key_space.h"

namespace ferrite::bench {
namespace {

// /var/tmp when it is writable (it lives on disk, unlike a tmpfs /tmp), else the
// current directory.
std::string DefaultDir() { return access("/var/tmp", W_OK) == 0 ? "/var/tmp" : "."; }

}  // namespace

EmbeddedCommandLine ParseEmbeddedCommandLine(int argc, char** argv) {
  EmbeddedCommandLine result;
  EmbeddedOptions& options = result.options;
  CLI::App app{
      "Loads N keys into an embedded ferrite::Db, then measures GETs kept `qd` in flight "
      "(uniform and Zipfian keys, every value checked) and the memory each key takes.",
      "ferrite-bench embedded"};
  std::string budget_text = "64MiB";
  std::string page_text = "1MiB";
  std::string engine = "uring";
  app.add_option("--dir", options.dir,
                 "where the scratch database directory is made (default /var/tmp)");
  app.add_flag("--keep-data", options.keep_data, "keep the database directory at the end");
  app.add_option("--memory-budget", budget_text, "bytes of log pages in memory, all shards")
      ->check(SizeValidator());
  app.add_option("--shards", options.db.shards, "shard threads")->check(CLI::Range(1u, 256u));
  app.add_option("--page-size", page_text, "log page size")->check(SizeValidator());
  app.add_option("--engine", engine, "I/O engine of every shard")
      ->check(CLI::IsMember({"uring", "threads", "auto"}));
  app.add_option("--pool-threads", options.db.io.pool_threads, "threads engine: workers per shard");
  app.add_option("--keys", options.keys, "keys loaded")
      ->check(CLI::Range(uint64_t{2}, KeySpace::kMaxKeys));
  app.add_option("--value-size", options.value_bytes, "bytes per value")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  app.add_option("--load-window", options.load_window, "SetAsync calls in flight while loading")
      ->check(CLI::Range(1u, 1u << 20));
  app.add_option("--phases", options.phases, "what runs after the load")
      ->delimiter(',')
      ->check(CLI::IsMember({"memory", "uniform", "zipfian"}));
  app.add_option("--qd", options.queue_depths, "GETs in flight, one read phase per depth")
      ->delimiter(',')
      ->check(CLI::Range(1u, 65536u));
  app.add_option("--duration", options.duration_seconds, "seconds per read phase")
      ->check(CLI::PositiveNumber);
  app.add_option("--ops", options.ops, "GETs per read phase instead of --duration");
  app.add_option("--seed", options.seed, "seed of the keys read");
  app.add_flag("--json", options.json, "one JSON object per row on stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    result.exit_code = app.exit(e) == 0 ? 0 : 2;
    return result;
  }
  options.db.memory_budget = *ParseSizeArgument(budget_text);
  options.db.page_size = *ParseSizeArgument(page_text);
  options.db.io.engine = engine == "uring"     ? DbIoOptions::Engine::kUring
                         : engine == "threads" ? DbIoOptions::Engine::kThreads
                                               : DbIoOptions::Engine::kAuto;
  if (options.dir.empty()) options.dir = DefaultDir();
  return result;
}

}  // namespace ferrite::bench
