#include "rows.h"

#include <algorithm>

#include "latency_workloads.h"
#include "queue_depth_workload.h"

namespace ferrite::iobench {
namespace {

constexpr size_t kBatchSize = 8;

bool Wanted(const IobenchOptions& options, const char* name) {
  return std::find(options.rows.begin(), options.rows.end(), name) != options.rows.end();
}

}  // namespace

std::vector<Row> PlanRows(const IobenchOptions& options) {
  std::vector<Row> rows;
  if (Wanted(options, "read")) rows.push_back({RowKind::kRead, "read", 1});
  if (Wanted(options, "write")) rows.push_back({RowKind::kWrite, "write", 1});
  if (Wanted(options, "fsync")) rows.push_back({RowKind::kFsync, "fsync", 1});
  if (Wanted(options, "batch")) rows.push_back({RowKind::kBatchRead, "batch8_read", kBatchSize});
  if (Wanted(options, "cached")) {
    rows.push_back({RowKind::kCachedRead, "cached_read", 1});
    rows.push_back({RowKind::kCachedReadEpoll, "cached_read_epoll", 1});
  }
  if (Wanted(options, "randread")) {
    for (uint32_t qd : options.queue_depths) rows.push_back({RowKind::kRandRead, "randread", qd});
  }
  return rows;
}

Result<SliceResult> RunRowSlice(IoEngine& engine, const Row& row, const BenchFiles& files,
                                SliceSpec spec) {
  bool cached = row.kind == RowKind::kCachedRead || row.kind == RowKind::kCachedReadEpoll;
  spec.fd = cached ? files.cached_fd : files.direct_fd;
  spec.file_size = cached ? files.cached_size : files.direct_size;
  spec.completion = row.kind == RowKind::kCachedReadEpoll ? Completion::kEpoll : Completion::kWait;
  switch (row.kind) {
    case RowKind::kRead:
    case RowKind::kCachedRead:
    case RowKind::kCachedReadEpoll:
      return RunSingleTransfers(engine, IoOpcode::kRead, spec);
    case RowKind::kWrite:
      return RunSingleTransfers(engine, IoOpcode::kWrite, spec);
    case RowKind::kFsync:
      return RunFsyncs(engine, spec);
    case RowKind::kBatchRead:
      return RunReadBatches(engine, row.qd, spec);
    case RowKind::kRandRead:
      return RunQueueDepth(engine, row.qd, spec);
  }
  return Status::InvalidArgument("unknown row");
}

}  // namespace ferrite::iobench
