// Latency percentiles of a phase, as every mode reports them: p50, p99 and p99.9 in
// microseconds, from a LatencyHistogram of nanoseconds (about 1.6% bucket error).
#pragma once

#include <string>

#include "report_row.h"
#include "util/latency_histogram.h"

namespace ferrite::bench {

struct LatencySummary {
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double mean_us = 0;
  double max_us = 0;
};

LatencySummary Summarize(const LatencyHistogram& histogram);

// Adds p50_us, p99_us, p999_us, mean_us and max_us.
void AddLatency(ReportRow& row, const LatencySummary& latency);

// "p50 72.1  p99 145.0  p99.9 310.2 µs"
std::string LatencyText(const LatencySummary& latency);

}  // namespace ferrite::bench
