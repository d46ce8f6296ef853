// A fixed-size histogram of durations in nanoseconds with about 1.6% relative error
// (64 sub-buckets per power of two), in the manner of HdrHistogram: recording is an
// increment, percentiles are exact to the bucket, and histograms merge by addition.
// Not thread-safe: one writer; merge copies taken on the owner thread.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace ferrite {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  // Values up to 2^40 ns (about 18 minutes); larger ones count in the last bucket.
  static constexpr int kMaxExponent = 40;
  static constexpr int kBucketCount = (kMaxExponent - kSubBucketBits + 2) * kSubBuckets;

  void Record(uint64_t nanos) {
    ++counts_[BucketOf(nanos)];
    ++total_;
    if (nanos > max_) max_ = nanos;
    sum_ += nanos;
  }
  void Merge(const LatencyHistogram& other);
  void Reset() { *this = LatencyHistogram(); }

  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }
  double mean() const { return total_ == 0 ? 0.0 : static_cast<double>(sum_) / total_; }
  // The smallest recorded bucket's upper bound at or above `percentile` (0..100) of the
  // values; 0 when empty.
  uint64_t Percentile(double percentile) const;

  // Bucket index for a value, and the largest value that falls in a bucket.
  static int BucketOf(uint64_t nanos) {
    if (nanos < kSubBuckets) return static_cast<int>(nanos);
    int exponent = std::bit_width(nanos) - 1;  // >= kSubBucketBits
    if (exponent > kMaxExponent) return kBucketCount - 1;
    int shift = exponent - kSubBucketBits;
    int sub = static_cast<int>((nanos >> shift) & (kSubBuckets - 1));
    return (shift + 1) * kSubBuckets + sub;
  }
  static uint64_t BucketUpperBound(int bucket);

 private:
  std::array<uint64_t, kBucketCount> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
  uint64_t sum_ = 0;
};

}  // namespace ferrite
