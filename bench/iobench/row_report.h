// A row's figures for one engine, summed over its slices, and the two ways they are
// printed: one JSON object per row (for scripts such as bench/iobench/run) or a Markdown
// table with the uring/threads ratios (for people).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "slice.h"

namespace ferrite::iobench {

struct RowResult {
  std::string op;
  std::string engine;
  uint32_t qd = 0;
  SliceResult total;

  double iops() const;
  double p50_us() const { return total.latency.Percentile(50) / 1e3; }
  double p99_us() const { return total.latency.Percentile(99) / 1e3; }
  double mean_us() const { return total.latency.mean() / 1e3; }
  double cpu_us_per_op() const;
};

// How many times faster `candidate` is than `baseline` on the same row: by IOPS for the
// throughput rows, by median latency for the others.
double Speedup(const RowResult& candidate, const RowResult& baseline);

// {"op": ..., "engine": ..., "qd": ..., "p50_us": ..., "p99_us": ..., "iops": ...,
//  "cpu_us_per_op": ..., "mean_us": ..., "ops": ..., "seconds": ...} and a newline.
void PrintJsonRow(const RowResult& row, std::FILE* out);

// One line per row and queue depth, the engines side by side.
void PrintTable(const std::vector<RowResult>& rows, std::FILE* out);

}  // namespace ferrite::iobench
