#include "embedded_mode.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "embedded_load.h"
#include "embedded_options.h"
#include "embedded_reads.h"
#include "embedded_rows.h"
#include "ferrite/db.h"
#include "key_chooser.h"
#include "key_space.h"
#include "report_row.h"
#include "scratch_dir.h"
#include "util/split_mix64.h"

namespace ferrite::bench {
namespace {

bool Wanted(const EmbeddedOptions& options, std::string_view phase) {
  return std::find(options.phases.begin(), options.phases.end(), phase) != options.phases.end();
}

void PrintSettings(const EmbeddedOptions& options, const Db& db, const ScratchDir& dir,
                   std::FILE* out) {
  std::fprintf(out,
               "ferrite-bench embedded: %s keys of %zu + %zu bytes, budget %.1f MiB, %u shard(s), "
               "page %llu KiB, engine %s, in %s (%s)\n",
               Grouped(options.keys).c_str(), KeySpace::kKeyBytes, options.value_bytes,
               options.db.memory_budget / (1024.0 * 1024.0), options.db.shards,
               static_cast<unsigned long long>(options.db.page_size >> 10),
               std::string(db.io_engine_name()).c_str(), dir.path().c_str(),
               dir.FilesystemName().c_str());
  if (dir.FilesystemName() == "tmpfs") {
    std::fprintf(out, "warning: %s is on tmpfs: \"disk\" reads will come from memory\n",
                 dir.path().c_str());
  }
}

// Loads, then runs the phases in the order memory, uniform, zipfian; each read phase
// once per queue depth, with a seed of its own so that no phase reads the keys another
// has just read (a cache below the guest would flatter the second).
Status RunPhases(const EmbeddedOptions& options, Db& db, const Reporter& reporter) {
  const KeySpace keys(options.keys, options.value_bytes);
  const EmbeddedRunInfo info{.engine = std::string(db.io_engine_name()),
                             .shards = db.shard_count(),
                             .keys = options.keys,
                             .key_bytes = KeySpace::kKeyBytes,
                             .value_bytes = options.value_bytes,
                             .memory_budget = options.db.memory_budget};

  auto load = LoadKeys(db, keys, options.load_window);
  if (!load.ok()) return load.status();
  // The read phases start with every page written, so that no flush runs under them.
  const auto checkpoint_start = std::chrono::steady_clock::now();
  Status checkpoint = db.Checkpoint();
  if (!checkpoint.ok()) return checkpoint;
  const double checkpoint_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - checkpoint_start).count();
  auto loaded = db.Stats();
  if (!loaded.ok()) return loaded.status();
  ReportLoad(reporter, info, *load, checkpoint_seconds, *loaded);

  if (Wanted(options, "memory")) {
    Status reported = ReportMemory(reporter, info, *loaded);
    if (!reported.ok()) return reported;
  }

  SplitMix64 seeds(options.seed);
  for (Distribution distribution : {Distribution::kUniform, Distribution::kZipfian}) {
    if (!Wanted(options, DistributionName(distribution))) continue;
    const KeyChooser chooser(distribution, options.keys);
    for (uint32_t depth : options.queue_depths) {
      const ReadPhaseSpec spec{.queue_depth = depth,
                               .seconds = options.duration_seconds,
                               .max_ops = options.ops,
                               .seed = seeds.Next()};
      auto before = db.Stats();
      if (!before.ok()) return before.status();
      auto result = RunGets(db, keys, chooser, spec);
      if (!result.ok()) return result.status();
      auto after = db.Stats();
      if (!after.ok()) return after.status();
      ReportGets(reporter, info, distribution, spec, *result, *before, *after);
    }
  }
  return Status::Ok();
}

}  // namespace

int RunEmbeddedMode(int argc, char** argv) {
  EmbeddedCommandLine command_line = ParseEmbeddedCommandLine(argc, argv);
  if (command_line.exit_code) return *command_line.exit_code;
  const EmbeddedOptions& options = command_line.options;
  const Reporter reporter(options.json);

  auto dir = ScratchDir::Make(options.dir, "ferrite-bench.");
  if (!dir.ok()) {
    std::fprintf(stderr, "ferrite-bench embedded: %s\n", dir.status().ToString().c_str());
    return 1;
  }
  if (options.keep_data) dir->keep();
  auto db = Db::Open(dir->path(), options.db);
  if (!db.ok()) {
    std::fprintf(stderr, "ferrite-bench embedded: %s\n", db.status().ToString().c_str());
    return 1;
  }
  PrintSettings(options, **db, *dir, reporter.human());
  Status status = RunPhases(options, **db, reporter);
  // Close before the directory goes: it flushes into it.
  Status closed = (*db)->Close();
  if (status.ok()) status = std::move(closed);
  if (!status.ok()) {
    std::fprintf(stderr, "ferrite-bench embedded: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace ferrite::bench
