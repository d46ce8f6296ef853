#include "io/io_buffer_pool.h"

#include <cstdint>
#include <set>

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(IoBufferPoolTest, BuffersAreAlignedDistinctAndReturned) {
  auto pool = IoBufferPool::Create(4, 10000);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ((*pool)->buffer_size(), 12288u) << "rounded up to 4 KiB";
  std::set<std::byte*> seen;
  {
    IoBuffer a = (*pool)->Acquire(), b = (*pool)->Acquire(), c = (*pool)->Acquire(),
             d = (*pool)->Acquire();
    for (IoBuffer* buffer : {&a, &b, &c, &d}) {
      ASSERT_TRUE(*buffer);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer->data()) % IoBufferPool::kAlignment, 0u);
      seen.insert(buffer->data());
    }
    EXPECT_EQ(seen.size(), 4u);
    EXPECT_EQ((*pool)->available(), 0u);
    EXPECT_FALSE((*pool)->Acquire()) << "an exhausted pool hands out nothing";
    IoBuffer moved = std::move(a);
    EXPECT_FALSE(a);  // NOLINT: checking the moved-from state on purpose
    EXPECT_TRUE(moved);
  }
  EXPECT_EQ((*pool)->available(), 4u);
}

TEST(IoBufferPoolTest, IndexOfFindsRangesInsideOneBuffer) {
  auto pool = IoBufferPool::Create(3, 4096);
  ASSERT_TRUE(pool.ok());
  IoBufferPool& p = **pool;
  std::byte* second = p.buffer_data(1);
  EXPECT_EQ(p.IndexOf(second, 4096), 1);
  EXPECT_EQ(p.IndexOf(second + 100, 3996), 1);
  EXPECT_EQ(p.IndexOf(second + 100, 3997), -1) << "spills into the next buffer";
  EXPECT_EQ(p.IndexOf(p.buffer_data(0), 1), 0);
  EXPECT_EQ(p.IndexOf(p.buffer_data(2) + 4095, 1), 2);
  EXPECT_EQ(p.IndexOf(p.buffer_data(2) + 4096, 1), -1) << "past the end of the pool";
  std::byte outside[16];
  EXPECT_EQ(p.IndexOf(outside, sizeof(outside)), -1);
}

TEST(IoBufferPoolTest, EmptyPoolIsValid) {
  auto pool = IoBufferPool::Create(0, 4096);
  ASSERT_TRUE(pool.ok());
  EXPECT_FALSE((*pool)->Acquire());
  std::byte anything[8];
  EXPECT_EQ((*pool)->IndexOf(anything, 8), -1);
}

TEST(AlignedBufferTest, AlignedAndMovable) {
  AlignedBuffer buffer(5000);
  EXPECT_EQ(buffer.size(), 5000u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 4096, 0u);
  std::byte* data = buffer.data();
  AlignedBuffer other = std::move(buffer);
  EXPECT_EQ(other.data(), data);
  EXPECT_EQ(buffer.data(), nullptr);  // NOLINT: moved-from on purpose
}

}  // namespace
}  // namespace ferrite
