#include "storage/log_address.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(LogAddressTest, Constants) {
  EXPECT_EQ(kInvalidAddress, 0u);
  EXPECT_EQ(kMaxAddress, (uint64_t{1} << 48) - 1);
  EXPECT_FALSE(IsValidAddress(kInvalidAddress));
  EXPECT_TRUE(IsValidAddress(1));
  EXPECT_TRUE(IsValidAddress(kMaxAddress));
  EXPECT_FALSE(IsValidAddress(kMaxAddress + 1));
}

TEST(LogAddressTest, PageMath) {
  constexpr uint32_t kBits = 12;
  EXPECT_EQ(PageOf(0, kBits), 0u);
  EXPECT_EQ(PageOf(4095, kBits), 0u);
  EXPECT_EQ(PageOf(4096, kBits), 1u);
  EXPECT_EQ(OffsetInPage(4096 + 64, kBits), 64u);
  EXPECT_EQ(PageStart(3, kBits), 3u * 4096);
  EXPECT_EQ(PageOf(kMaxAddress, 20), (uint64_t{1} << 28) - 1);
  for (LogAddress a : {LogAddress{1}, LogAddress{4095}, LogAddress{123456789}, kMaxAddress}) {
    EXPECT_EQ(PageStart(PageOf(a, kBits), kBits) + OffsetInPage(a, kBits), a);
  }
}

TEST(LogAddressTest, SegmentMath) {
  constexpr uint32_t kBits = 14;
  EXPECT_EQ(SegmentOf(16383, kBits), 0u);
  EXPECT_EQ(SegmentOf(16384, kBits), 1u);
  EXPECT_EQ(OffsetInSegment(16384 + 4096, kBits), 4096u);
  EXPECT_EQ(SegmentStart(5, kBits), 5u * 16384);
}

TEST(LogGeometryTest, DefaultsAreValid) {
  LogGeometry geometry;
  EXPECT_TRUE(geometry.Validate().ok());
  EXPECT_EQ(geometry.page_size(), 1u << 20);
  EXPECT_EQ(geometry.segment_size(), 64u << 20);
  EXPECT_EQ(geometry.ToString(), "page=1048576 segment=67108864");
}

TEST(LogGeometryTest, Bounds) {
  EXPECT_TRUE((LogGeometry{12, 12}.Validate().ok()));
  EXPECT_TRUE((LogGeometry{26, 40}.Validate().ok()));
  EXPECT_EQ((LogGeometry{11, 14}.Validate().code()), StatusCode::kInvalidArgument);
  EXPECT_EQ((LogGeometry{27, 30}.Validate().code()), StatusCode::kInvalidArgument);
  EXPECT_EQ((LogGeometry{14, 13}.Validate().code()), StatusCode::kInvalidArgument);
  EXPECT_EQ((LogGeometry{12, 41}.Validate().code()), StatusCode::kInvalidArgument);
}

TEST(LogGeometryTest, FromSizes) {
  auto geometry = LogGeometry::FromSizes(4096, 16384);
  ASSERT_TRUE(geometry.ok()) << geometry.status().ToString();
  EXPECT_EQ(geometry->page_bits, 12u);
  EXPECT_EQ(geometry->segment_bits, 14u);
  EXPECT_EQ(geometry->pages_per_segment(), 4u);
  EXPECT_EQ(geometry->segment_of_page(3), 0u);
  EXPECT_EQ(geometry->segment_of_page(4), 1u);
  EXPECT_EQ(geometry->page_of(geometry->segment_start(2)), 8u);

  EXPECT_FALSE(LogGeometry::FromSizes(5000, 16384).ok());
  EXPECT_FALSE(LogGeometry::FromSizes(4096, 20000).ok());
  EXPECT_FALSE(LogGeometry::FromSizes(2048, 16384).ok());
  EXPECT_FALSE(LogGeometry::FromSizes(8192, 4096).ok());
  EXPECT_FALSE(LogGeometry::FromSizes(0, 4096).ok());
}

}  // namespace
}  // namespace ferrite
