// `ferrite-bench embedded` settings: filled from the command line at the edge and passed to
// the phases, which read nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferrite/db.h"

namespace ferrite::bench {

struct EmbeddedOptions {
  // The database goes into a fresh directory made under `dir` (which must be on a real
  // disk: O_DIRECT reads from tmpfs would measure memory) and removed at the end.
  std::string dir;
  bool keep_data = false;

  DbOptions db;  // budget, shards, page size, engine

  uint64_t keys = 1'000'000;
  size_t value_bytes = 100;
  // SetAsync calls in flight while loading.
  uint32_t load_window = 1024;

  // What runs after the load: "memory" (bytes per key; needs a budget that holds the
  // whole data set), "uniform" and "zipfian" (GETs at each queue depth).
  std::vector<std::string> phases = {"uniform", "zipfian"};
  std::vector<uint32_t> queue_depths = {1, 32};
  // Each read phase runs this long, or for `ops` GETs when that is set.
  double duration_seconds = 10.0;
  uint64_t ops = 0;
  uint64_t seed = 1;
  bool json = false;
};

// The parsed options, or the exit code when the command line asked for help or was
// wrong (the message has been printed).
struct EmbeddedCommandLine {
  EmbeddedOptions options;
  std::optional<int> exit_code;
};

// `argv[0]` is the mode's name.
EmbeddedCommandLine ParseEmbeddedCommandLine(int argc, char** argv);

}  // namespace ferrite::bench
