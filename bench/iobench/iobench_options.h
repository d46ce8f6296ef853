// ferrite-iobench's settings: filled from the command line at the edge and passed to the
// workloads, which read nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ferrite::iobench {

struct IobenchOptions {
  // The file the O_DIRECT rows use, created and filled once when missing or of another
  // size; and the small file the cached rows read through the page cache.
  std::string file;
  uint64_t file_size = uint64_t{1} << 30;
  std::string cached_file;  // default: `file` + ".cached"
  uint64_t cached_size = uint64_t{16} << 20;

  // "uring" and/or "threads"; --sqpoll adds "uring+sqpoll".
  std::vector<std::string> engines = {"uring", "threads"};
  bool sqpoll = false;
  uint32_t pool_threads = 0;  // 0: the engine's default (IoOptions::pool_threads)

  // Which rows run: read, write, fsync, batch, cached, randread.
  std::vector<std::string> rows = {"read", "write", "fsync", "batch", "cached", "randread"};
  std::vector<uint32_t> queue_depths = {1, 8, 32, 128};

  // Each row runs for `duration_seconds` per engine (or until `max_ops` I/Os, when set),
  // split into `rounds` slices in which the engines take turns, so that a machine whose
  // speed drifts weighs on every engine alike.
  double duration_seconds = 5.0;
  uint64_t max_ops = 0;
  uint32_t rounds = 3;
  uint64_t seed = 1;
  bool json = false;
};

// The parsed options, or the exit code when the command line asked for help or was
// wrong (the message has been printed).
struct CommandLine {
  IobenchOptions options;
  std::optional<int> exit_code;
};

CommandLine ParseCommandLine(int argc, char** argv);

}  // namespace ferrite::iobench
