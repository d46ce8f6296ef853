// ferrite-iobench: UringEngine against ThreadPoolEngine on one file, row by row: 4 KiB
// read, write and fsync latency, a batch of 8 reads, cached reads (through Wait() and
// through an epoll loop), and random-read throughput by queue depth. Within a row the
// engines take turns, slice by slice, so that drift in a shared machine's speed weighs
// on each alike. bench/iobench/run puts the figures beside fio's.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_files.h"
#include "io/engine_factory.h"
#include "iobench_options.h"
#include "offset_generator.h"
#include "row_report.h"
#include "rows.h"

namespace ferrite::iobench {
namespace {

struct EngineSpec {
  std::string label;
  IoEngineKind kind;
  IoOptions options;
};

std::vector<EngineSpec> EngineSpecs(const IobenchOptions& options) {
  std::vector<EngineSpec> specs;
  for (const std::string& label : options.engines) {
    EngineSpec spec{label, IoEngineKind::kUring, IoOptions()};
    if (label == "threads") {
      spec.kind = IoEngineKind::kThreads;
      if (options.pool_threads != 0) spec.options.pool_threads = options.pool_threads;
    } else if (label == "uring+sqpoll") {
      spec.options.uring_sqpoll = true;
    }
    specs.push_back(spec);
  }
  return specs;
}

// A different offset sequence for every slice (see offset_generator.h), fixed by --seed.
uint64_t SliceSeed(uint64_t seed, size_t row, uint32_t round, size_t engine) {
  SplitMix64 mix(seed ^ (row * 1'000'003 + round * 1'009 + engine));
  return mix.Next();
}

// A fresh engine per slice: an engine whose completion_fd() was asked for keeps its
// eventfd registered, and an SQPOLL ring's kernel thread keeps polling after its last
// submission; neither may leak into the next slice.
Result<SliceResult> RunEngineSlice(const EngineSpec& engine_spec, const Row& row,
                                   const BenchFiles& files, const SliceSpec& slice) {
  auto engine = CreateIoEngine(engine_spec.kind, engine_spec.options);
  if (!engine.ok()) return engine.status();
  for (int fd : {files.direct_fd, files.cached_fd}) {
    Status registered = (*engine)->RegisterFile(fd);
    if (!registered.ok()) return registered;
  }
  return RunRowSlice(**engine, row, files, slice);
}

// One row for every engine: `rounds` slices each, a different engine first each round.
Result<std::vector<RowResult>> MeasureRow(const IobenchOptions& options,
                                          const std::vector<EngineSpec>& engines,
                                          const BenchFiles& files, size_t row_index,
                                          const Row& row) {
  std::vector<RowResult> results(engines.size());
  for (size_t e = 0; e < engines.size(); ++e) {
    results[e].op = row.op;
    results[e].engine = engines[e].label;
    results[e].qd = row.qd;
  }
  SliceSpec slice;
  slice.seconds = options.duration_seconds / options.rounds;
  slice.max_ops = (options.max_ops + options.rounds - 1) / options.rounds;
  for (uint32_t round = 0; round < options.rounds; ++round) {
    for (size_t k = 0; k < engines.size(); ++k) {
      size_t e = (k + round) % engines.size();
      slice.seed = SliceSeed(options.seed, row_index, round, e);
      auto measured = RunEngineSlice(engines[e], row, files, slice);
      if (!measured.ok()) {
        std::fprintf(stderr, "ferrite-iobench: row %s failed on %s\n", row.op.c_str(),
                     engines[e].label.c_str());
        return measured.status();
      }
      results[e].total.Add(*measured);
    }
  }
  return results;
}

Status PrintSettings(const IobenchOptions& options, const std::vector<EngineSpec>& engines,
                     std::FILE* out) {
  std::fprintf(out, "file: %s (%llu MiB, O_DIRECT); cached file: %s (%llu MiB)\n",
               options.file.c_str(), static_cast<unsigned long long>(options.file_size >> 20),
               options.cached_file.c_str(),
               static_cast<unsigned long long>(options.cached_size >> 20));
  for (const EngineSpec& spec : engines) {
    auto engine = CreateIoEngine(spec.kind, spec.options);
    if (!engine.ok()) return engine.status();
    std::fprintf(out, "%s: %s\n", spec.label.c_str(), (*engine)->settings().c_str());
  }
  std::fprintf(out, "%.1f s per row and engine in %u rounds%s\n\n", options.duration_seconds,
               options.rounds, options.max_ops ? " (or --ops I/Os)" : "");
  return Status::Ok();
}

Status Run(const IobenchOptions& options) {
  auto direct = OpenFilledFile(options.file, options.file_size, /*direct=*/true);
  if (!direct.ok()) return direct.status();
  auto cached = OpenFilledFile(options.cached_file, options.cached_size, /*direct=*/false);
  if (!cached.ok()) return cached.status();
  Status warmed = WarmPageCache(cached->get(), options.cached_size);
  if (!warmed.ok()) return warmed;
  BenchFiles files{direct->get(), options.file_size, cached->get(), options.cached_size};

  std::vector<EngineSpec> engines = EngineSpecs(options);
  Status printed = PrintSettings(options, engines, options.json ? stderr : stdout);
  if (!printed.ok()) return printed;

  std::vector<RowResult> results;
  std::vector<Row> rows = PlanRows(options);
  for (size_t r = 0; r < rows.size(); ++r) {
    auto measured = MeasureRow(options, engines, files, r, rows[r]);
    if (!measured.ok()) return measured.status();
    for (RowResult& result : *measured) {
      if (options.json) PrintJsonRow(result, stdout);
      std::fprintf(stderr,
                   "%-18s qd %-4u %-13s p50 %8.1f us  p99 %8.1f us  %9.0f IOPS  %6.2f CPU us/op\n",
                   result.op.c_str(), result.qd, result.engine.c_str(), result.p50_us(),
                   result.p99_us(), result.iops(), result.cpu_us_per_op());
      results.push_back(std::move(result));
    }
  }
  if (!options.json) PrintTable(results, stdout);
  return Status::Ok();
}

}  // namespace
}  // namespace ferrite::iobench

int main(int argc, char** argv) {
  ferrite::iobench::CommandLine command_line = ferrite::iobench::ParseCommandLine(argc, argv);
  if (command_line.exit_code) return *command_line.exit_code;
  ferrite::Status status = ferrite::iobench::Run(command_line.options);
  if (!status.ok()) {
    std::fprintf(stderr, "ferrite-iobench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
