#include "protocol/reply_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace ferrite::protocol {
namespace {

std::string Drain(ReplyBuffer& buffer, size_t max_bytes = SIZE_MAX) {
  std::string out;
  struct iovec iov[16];
  int count = buffer.PrepareWrite(iov, 16, max_bytes);
  for (int i = 0; i < count; ++i) out.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
  buffer.Consume(out.size());
  return out;
}

TEST(ReplyBufferTest, KeepsOrderAcrossChunks) {
  ReplyBuffer buffer;
  std::string expected;
  for (int i = 0; i < 10000; ++i) {
    std::string piece = "+" + std::to_string(i) + "\r\n";
    buffer.Append(piece);
    expected += piece;
  }
  EXPECT_EQ(buffer.size(), expected.size());
  std::string out;
  while (!buffer.empty()) out += Drain(buffer, 1000);
  EXPECT_EQ(out, expected);
}

TEST(ReplyBufferTest, LargeAppendIsOneChunk) {
  ReplyBuffer buffer;
  buffer.Append("+OK\r\n");
  std::string big(1 << 20, 'x');
  buffer.Append(big);
  EXPECT_EQ(buffer.size(), big.size() + 5);
  EXPECT_LE(buffer.chunk_count(), 2u);
  EXPECT_GE(buffer.allocated(), buffer.size());
  EXPECT_EQ(Drain(buffer), "+OK\r\n" + big);
}

TEST(ReplyBufferTest, DrainedBufferKeepsOneChunkForReuse) {
  ReplyBuffer buffer;
  buffer.Append("+PONG\r\n");
  EXPECT_EQ(Drain(buffer), "+PONG\r\n");
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.allocated(), ReplyBuffer::kChunkSize);
  buffer.Append(std::string(3 * ReplyBuffer::kChunkSize, 'y'));
  Drain(buffer);
  EXPECT_LE(buffer.allocated(), 3 * ReplyBuffer::kChunkSize);
  buffer.Clear();
  EXPECT_EQ(buffer.allocated(), 0u);
}

TEST(ReplyBufferTest, PartialConsumeResumesMidChunk) {
  ReplyBuffer buffer;
  buffer.Append("abcdef");
  buffer.Consume(2);
  EXPECT_EQ(Drain(buffer), "cdef");
}

TEST(ReplyBufferTest, PrepareWriteRespectsLimits) {
  ReplyBuffer buffer;
  buffer.Append(std::string(ReplyBuffer::kChunkSize, 'a'));
  buffer.Append(std::string(ReplyBuffer::kChunkSize, 'b'));
  buffer.Append(std::string(ReplyBuffer::kChunkSize, 'c'));
  struct iovec iov[2];
  EXPECT_EQ(buffer.PrepareWrite(iov, 2, SIZE_MAX), 2);
  EXPECT_EQ(buffer.PrepareWrite(iov, 2, 10), 1);
  EXPECT_EQ(iov[0].iov_len, 10u);
}

}  // namespace
}  // namespace ferrite::protocol
