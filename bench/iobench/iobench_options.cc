#include "iobench_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "common/size_argument.h"

namespace ferrite::iobench {
namespace {

using bench::ParseSizeArgument;
using bench::SizeValidator;

// The default data file: in /var/tmp when it is writable (it lives on disk, unlike a
// tmpfs /tmp), else in the current directory.
std::string DefaultDataFile() {
  if (access("/var/tmp", W_OK) == 0) return "/var/tmp/ferrite-iobench.dat";
  return "ferrite-iobench.dat";
}

}  // namespace

CommandLine ParseCommandLine(int argc, char** argv) {
  CommandLine result;
  IobenchOptions& options = result.options;
  CLI::App app{
      "Measures UringEngine against ThreadPoolEngine on one file: 4 KiB read, write and fsync "
      "latency, a batch of 8 reads, cached reads, and random-read throughput by queue depth.",
      "ferrite-iobench"};
  std::string size_text = "1GiB";
  std::string cached_size_text = "16MiB";
  bool quick = false;
  app.add_option("--file", options.file, "O_DIRECT data file (created when missing)");
  app.add_option("--size", size_text, "data file size")->check(SizeValidator());
  app.add_option("--cached-file", options.cached_file,
                 "small file for the page-cache rows (default: FILE.cached)");
  app.add_option("--cached-size", cached_size_text, "cached file size")->check(SizeValidator());
  app.add_option("--engines", options.engines, "engines to compare")
      ->delimiter(',')
      ->check(CLI::IsMember({"uring", "threads"}));
  app.add_flag("--sqpoll", options.sqpoll, "also run every row on io_uring with SQPOLL");
  app.add_option("--pool-threads", options.pool_threads,
                 "ThreadPoolEngine workers (default: the engine's default)");
  app.add_option("--rows", options.rows, "rows to run")
      ->delimiter(',')
      ->check(CLI::IsMember({"read", "write", "fsync", "batch", "cached", "randread"}));
  app.add_option("--qd", options.queue_depths, "queue depths for the randread rows")
      ->delimiter(',')
      ->check(CLI::Range(1u, 4096u));
  app.add_option("--duration", options.duration_seconds, "seconds per row and engine")
      ->check(CLI::PositiveNumber);
  app.add_option("--ops", options.max_ops, "at most this many I/Os per row and engine");
  app.add_option("--rounds", options.rounds, "slices per row in which the engines alternate")
      ->check(CLI::Range(1u, 100u));
  app.add_option("--seed", options.seed, "seed of the random offsets");
  app.add_flag("--json", options.json, "one JSON object per row on stdout");
  app.add_flag("--quick", quick, "1 s per row and engine, 2 rounds (unless given)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    result.exit_code = app.exit(e) == 0 ? 0 : 2;
    return result;
  }
  if (quick) {
    if (app.count("--duration") == 0) options.duration_seconds = 1.0;
    if (app.count("--rounds") == 0) options.rounds = 2;
  }
  options.file_size = *ParseSizeArgument(size_text);
  options.cached_size = *ParseSizeArgument(cached_size_text);
  if (options.file.empty()) options.file = DefaultDataFile();
  if (options.cached_file.empty()) options.cached_file = options.file + ".cached";
  if (options.sqpoll) options.engines.push_back("uring+sqpoll");
  return result;
}

}  // namespace ferrite::iobench
