#include "util/latency_histogram.h"

#include <random>

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (uint64_t v = 1; v <= 10; ++v) histogram.Record(v);
  EXPECT_EQ(histogram.count(), 10u);
  EXPECT_EQ(histogram.Percentile(50), 5u);
  EXPECT_EQ(histogram.Percentile(90), 9u);
  EXPECT_EQ(histogram.Percentile(100), 10u);
  EXPECT_EQ(histogram.max(), 10u);
  EXPECT_DOUBLE_EQ(histogram.mean(), 5.5);
}

TEST(LatencyHistogramTest, LargeValuesWithinTwoPercent) {
  for (uint64_t value : {100u, 1000u, 65'537u, 1'000'000u, 123'456'789u}) {
    LatencyHistogram histogram;
    histogram.Record(value);
    histogram.Record(1);
    uint64_t p100 = histogram.Percentile(100);
    EXPECT_EQ(p100, value) << "the maximum is exact";
    int bucket = LatencyHistogram::BucketOf(value);
    uint64_t upper = LatencyHistogram::BucketUpperBound(bucket);
    EXPECT_GE(upper, value);
    EXPECT_LE(static_cast<double>(upper), static_cast<double>(value) * 1.0157);
  }
}

TEST(LatencyHistogramTest, BucketsAreOrderedAndCoverEveryValue) {
  int previous = -1;
  for (uint64_t v = 0; v < 200'000; v += 7) {
    int bucket = LatencyHistogram::BucketOf(v);
    ASSERT_GE(bucket, previous);
    ASSERT_LE(v, LatencyHistogram::BucketUpperBound(bucket));
    if (bucket > 0) {
      ASSERT_GT(v, LatencyHistogram::BucketUpperBound(bucket - 1));
    }
    previous = bucket;
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(~uint64_t{0}), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, PercentilesOfAUniformSample) {
  LatencyHistogram histogram;
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint64_t> dist(0, 1'000'000);
  for (int i = 0; i < 100'000; ++i) histogram.Record(dist(rng));
  EXPECT_NEAR(static_cast<double>(histogram.Percentile(50)), 500'000, 15'000);
  EXPECT_NEAR(static_cast<double>(histogram.Percentile(99)), 990'000, 20'000);
}

TEST(LatencyHistogramTest, MergeAddsCounts) {
  LatencyHistogram a, b;
  for (int i = 0; i < 90; ++i) a.Record(10);
  for (int i = 0; i < 10; ++i) b.Record(1000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.Percentile(90), 10u);
  EXPECT_EQ(a.Percentile(91), 1000u);
  EXPECT_EQ(a.max(), 1000u);
  a.Reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.Percentile(50), 0u);
}

}  // namespace
}  // namespace ferrite
