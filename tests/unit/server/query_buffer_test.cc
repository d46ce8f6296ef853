#include "server/query_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace ferrite {
namespace {

void Append(QueryBuffer& buffer, std::string_view bytes) {
  buffer.Reserve(bytes.size());
  std::memcpy(buffer.write_position(), bytes.data(), bytes.size());
  buffer.Commit(bytes.size());
}

TEST(QueryBufferTest, AppendConsumeAndReuse) {
  QueryBuffer buffer;
  EXPECT_TRUE(buffer.empty());
  Append(buffer, "PING\r\nPING\r\n");
  EXPECT_EQ(buffer.data(), "PING\r\nPING\r\n");
  buffer.Consume(6);
  EXPECT_EQ(buffer.data(), "PING\r\n");
  buffer.Consume(6);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.writable(), QueryBuffer::kDefaultCapacity) << "drained: back to the start";
}

TEST(QueryBufferTest, ReserveMovesUnconsumedBytesToTheFront) {
  QueryBuffer buffer;
  Append(buffer, std::string(QueryBuffer::kDefaultCapacity - 10, 'a'));
  buffer.Consume(QueryBuffer::kDefaultCapacity - 20);
  buffer.Reserve(100);
  EXPECT_EQ(buffer.capacity(), QueryBuffer::kDefaultCapacity) << "compacted, not grown";
  EXPECT_EQ(buffer.data(), std::string(10, 'a'));
  EXPECT_GE(buffer.writable(), 100u);
}

TEST(QueryBufferTest, GrowsForLargeArgumentsAndReleasesWhenDrained) {
  QueryBuffer buffer;
  Append(buffer, "head");
  buffer.Reserve(1 << 20);
  EXPECT_GE(buffer.capacity(), (1u << 20) + 4);
  EXPECT_EQ(buffer.data(), "head");
  std::string big(1 << 20, 'x');
  Append(buffer, big);
  EXPECT_EQ(buffer.TakePeak(), big.size() + 4);
  buffer.Consume(buffer.size());
  buffer.ReleaseIfDrained();
  EXPECT_EQ(buffer.capacity(), 0u);
  Append(buffer, "again");
  EXPECT_EQ(buffer.data(), "again");
}

}  // namespace
}  // namespace ferrite
