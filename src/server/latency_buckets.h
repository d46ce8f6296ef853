// The buckets of a command's latency histogram, as Redis 7 reports them in LATENCY
// HISTOGRAM. Redis records nanoseconds (clamped to 1 ns .. 1 s) in an HdrHistogram with
// two significant digits and reports it through a logarithmic iterator that starts at
// 1024 ns and doubles: bucket k holds the values whose HDR sub-bucket is at or below the
// one of 1024 * 2^k ns, and is reported as that sub-bucket's highest value in
// microseconds (1, 2, 4, 8, 16, 33, 66, 132, ...). Counting straight into these 21
// buckets gives the same figures at the cost of one increment per command.
#pragma once

#include <bit>
#include <cstdint>

namespace ferrite {

inline constexpr int kLatencyBucketCount = 21;

// Redis's LATENCY_HISTOGRAM_MAX_VALUE: slower commands count as taking one second.
inline constexpr uint64_t kLatencyHistogramMaxNanos = 1'000'000'000;

// The bucket of a duration. For 2^m <= v < 2^(m+1) (m >= 7) the HDR sub-bucket is
// 2^(m-7) wide, so the sub-bucket of level 2^m ends at 2^m + 2^(m-7) - 1: v belongs to
// level 2^m's bucket below that end and to the next level's from it on.
constexpr int LatencyBucketOf(uint64_t nanos) {
  if (nanos > kLatencyHistogramMaxNanos) nanos = kLatencyHistogramMaxNanos;
  if (nanos < 1024 + 8) return 0;
  const int m = std::bit_width(nanos) - 1;  // >= 10
  const uint64_t level_end = (uint64_t{1} << m) + (uint64_t{1} << (m - 7));
  const int bucket = nanos < level_end ? m - 10 : m - 9;
  return bucket < kLatencyBucketCount ? bucket : kLatencyBucketCount - 1;
}

// The bound Redis prints for a bucket, in microseconds. The last level (2^30 ns) lies
// past the histogram's range (1 s), so its values are reported at the range's last
// sub-bucket instead: 2^30 - 1 ns.
constexpr uint64_t LatencyBucketBoundMicros(int bucket) {
  if (bucket >= kLatencyBucketCount - 1) return ((uint64_t{1} << 30) - 1) / 1000;
  const uint64_t level = uint64_t{1024} << bucket;
  return (level + (level >> 7) - 1) / 1000;
}

}  // namespace ferrite
