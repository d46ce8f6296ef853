// The rows ferrite-iobench measures (each for every engine) and how one engine runs its
// slice of a row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "iobench_options.h"
#include "slice.h"

namespace ferrite::iobench {

enum class RowKind {
  kRead,             // 4 KiB O_DIRECT read, one at a time
  kWrite,            // 4 KiB O_DIRECT write, one at a time
  kFsync,            // fsync after a 4 KiB write
  kBatchRead,        // 8 O_DIRECT reads submitted together
  kCachedRead,       // 4 KiB buffered read of a cached file, Wait()
  kCachedReadEpoll,  // the same, epoll on completion_fd() then Poll()
  kRandRead,         // O_DIRECT random reads, `qd` in flight
};

struct Row {
  RowKind kind;
  std::string op;  // the name reports use
  uint32_t qd;
};

std::vector<Row> PlanRows(const IobenchOptions& options);

// What a slice runs on: the O_DIRECT data file and the cached file.
struct BenchFiles {
  int direct_fd = -1;
  uint64_t direct_size = 0;
  int cached_fd = -1;
  uint64_t cached_size = 0;
};

// Runs one engine's slice of `row`. `spec` carries the budget and seed; the row fills
// in the file and the completion mode.
Result<SliceResult> RunRowSlice(IoEngine& engine, const Row& row, const BenchFiles& files,
                                SliceSpec spec);

}  // namespace ferrite::iobench
