#include "latency_report.h"

#include <cstdio>

namespace ferrite::bench {

LatencySummary Summarize(const LatencyHistogram& histogram) {
  auto micros = [](uint64_t nanos) { return static_cast<double>(nanos) / 1e3; };
  return {.p50_us = micros(histogram.Percentile(50)),
          .p99_us = micros(histogram.Percentile(99)),
          .p999_us = micros(histogram.Percentile(99.9)),
          .mean_us = histogram.mean() / 1e3,
          .max_us = micros(histogram.max())};
}

void AddLatency(ReportRow& row, const LatencySummary& latency) {
  row.Number("p50_us", latency.p50_us, 1)
      .Number("p99_us", latency.p99_us, 1)
      .Number("p999_us", latency.p999_us, 1)
      .Number("mean_us", latency.mean_us, 1)
      .Number("max_us", latency.max_us, 1);
}

std::string LatencyText(const LatencySummary& latency) {
  char text[96];
  std::snprintf(text, sizeof(text), "p50 %7.1f  p99 %7.1f  p99.9 %7.1f µs", latency.p50_us,
                latency.p99_us, latency.p999_us);
  return text;
}

}  // namespace ferrite::bench
