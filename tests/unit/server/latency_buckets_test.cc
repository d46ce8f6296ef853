// LATENCY HISTOGRAM's buckets against the HdrHistogram Redis reports them from.
#include "server/latency_buckets.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

// The highest value of the HDR sub-bucket holding `value` (1 ns unit, two significant
// digits: 256 sub-buckets, values below 256 exact, then 2^(m-7) wide in [2^m, 2^(m+1))).
uint64_t HdrHighestEquivalent(uint64_t value) {
  if (value < 256) return value;
  int m = std::bit_width(value) - 1;
  uint64_t width = uint64_t{1} << (m - 7);
  return (value / width) * width + width - 1;
}

TEST(LatencyBucketsTest, BoundsAreWhatRedisPrints) {
  const uint64_t expected[kLatencyBucketCount] = {
      1,    2,    4,    8,     16,    33,    66,     132,    264,    528,    1056,
      2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1073741};
  for (int b = 0; b < kLatencyBucketCount; ++b) {
    EXPECT_EQ(LatencyBucketBoundMicros(b), expected[b]) << b;
  }
}

TEST(LatencyBucketsTest, EachValueFallsInTheFirstLevelWhoseSubBucketReachesIt) {
  for (uint64_t nanos : {uint64_t{0}, uint64_t{1}, uint64_t{999}, uint64_t{1031}, uint64_t{1032},
                         uint64_t{2063}, uint64_t{2064}, uint64_t{33'000}, uint64_t{33'024},
                         uint64_t{541'065'215}, uint64_t{541'065'216}}) {
    int bucket = LatencyBucketOf(nanos);
    uint64_t level = uint64_t{1024} << bucket;
    EXPECT_LE(nanos, HdrHighestEquivalent(level)) << nanos;
    if (bucket > 0) {
      EXPECT_GT(nanos, HdrHighestEquivalent(level / 2)) << nanos;
    }
  }
  EXPECT_EQ(LatencyBucketOf(1031), 0);
  EXPECT_EQ(LatencyBucketOf(1032), 1);
  EXPECT_EQ(LatencyBucketOf(33'023), 5);
}

TEST(LatencyBucketsTest, SlowerThanASecondCountsAsASecond) {
  EXPECT_EQ(LatencyBucketOf(kLatencyHistogramMaxNanos), kLatencyBucketCount - 1);
  EXPECT_EQ(LatencyBucketOf(uint64_t{1} << 40), kLatencyBucketCount - 1);
  EXPECT_EQ(LatencyBucketOf(600'000'000), kLatencyBucketCount - 1);
  EXPECT_EQ(LatencyBucketOf(540'000'000), kLatencyBucketCount - 2);
}

}  // namespace
}  // namespace ferrite
