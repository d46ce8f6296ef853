#include "io/io_transfer.h"

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(IoTransferTest, ShortReadsResumeWhereTheyStopped) {
  char buffer[100];
  IoRequest request{.opcode = IoOpcode::kRead, .fd = 3, .offset = 1000, .buffer = buffer,
                    .length = 100};
  IoResult result = IoResult::Bytes(0);
  EXPECT_FALSE(AdvanceTransfer(request, 30, &result));
  TransferPiece piece = RemainingPiece(request);
  EXPECT_EQ(piece.buffer, buffer + 30);
  EXPECT_EQ(piece.length, 70u);
  EXPECT_EQ(piece.offset, 1030u);
  EXPECT_FALSE(AdvanceTransfer(request, -EINTR, &result)) << "interrupted: try again";
  EXPECT_FALSE(AdvanceTransfer(request, -EAGAIN, &result));
  EXPECT_TRUE(AdvanceTransfer(request, 70, &result));
  EXPECT_EQ(result, IoResult::Bytes(100));
  EXPECT_EQ(request.engine.resubmissions, 3u);
}

TEST(IoTransferTest, HugeTransfersGoInSeveralAttempts) {
  const size_t huge = (size_t{5} << 30) + 7;  // more than 32 bits can say
  auto* base = reinterpret_cast<std::byte*>(uintptr_t{1} << 40);  // never dereferenced
  IoRequest request{.opcode = IoOpcode::kWrite, .offset = 0, .buffer = base, .length = huge};
  IoResult result = IoResult::Bytes(0);
  size_t attempts = 0;
  for (;;) {
    TransferPiece piece = RemainingPiece(request);
    ASSERT_LE(piece.length, kMaxAttemptLength);
    ASSERT_EQ(piece.offset, static_cast<uint64_t>(static_cast<std::byte*>(piece.buffer) - base));
    ++attempts;
    if (AdvanceTransfer(request, static_cast<int64_t>(piece.length), &result)) break;
  }
  EXPECT_EQ(attempts, 6u);
  EXPECT_EQ(result, IoResult::Bytes(huge));
}

TEST(IoTransferTest, EndOfFileFinishesAReadShort) {
  char buffer[100];
  IoRequest request{.opcode = IoOpcode::kRead, .buffer = buffer, .length = 100};
  IoResult result = IoResult::Bytes(0);
  EXPECT_FALSE(AdvanceTransfer(request, 40, &result));
  EXPECT_TRUE(AdvanceTransfer(request, 0, &result));
  EXPECT_EQ(result, IoResult::Bytes(40));
}

TEST(IoTransferTest, AWriteThatMovesNothingFails) {
  char buffer[100];
  IoRequest request{.opcode = IoOpcode::kWrite, .buffer = buffer, .length = 100};
  IoResult result = IoResult::Bytes(0);
  EXPECT_TRUE(AdvanceTransfer(request, 0, &result));
  EXPECT_EQ(result, IoResult::Error(EIO));
}

TEST(IoTransferTest, ErrorsEndTheRequestWithTheirErrno) {
  char buffer[100];
  IoRequest request{.opcode = IoOpcode::kWrite, .buffer = buffer, .length = 100};
  IoResult result = IoResult::Bytes(0);
  EXPECT_FALSE(AdvanceTransfer(request, 50, &result));
  EXPECT_TRUE(AdvanceTransfer(request, -ENOSPC, &result));
  EXPECT_EQ(result.error(), ENOSPC);
  EXPECT_FALSE(result.ok());
}

TEST(IoTransferTest, VectoredTransfersSkipWhatMoved) {
  char a[10], b[20], c[30];
  iovec iov[] = {{a, 10}, {b, 20}, {c, 30}};
  IoRequest request{.opcode = IoOpcode::kWritev, .offset = 0, .iov = iov, .iov_count = 3};
  EXPECT_EQ(request.TotalLength(), 60u);
  IoResult result = IoResult::Bytes(0);
  EXPECT_FALSE(AdvanceTransfer(request, 15, &result));
  TransferPiece piece = RemainingPiece(request);
  ASSERT_EQ(piece.iov_count, 2);
  EXPECT_EQ(piece.iov[0].iov_base, b + 5);
  EXPECT_EQ(piece.iov[0].iov_len, 15u);
  EXPECT_EQ(piece.iov[1].iov_base, c);
  EXPECT_EQ(piece.offset, 15u);
  EXPECT_EQ(iov[0].iov_len, 10u) << "the caller's array is left alone";
  EXPECT_FALSE(AdvanceTransfer(request, 25, &result));
  piece = RemainingPiece(request);
  ASSERT_EQ(piece.iov_count, 1);
  EXPECT_EQ(piece.iov[0].iov_base, c + 10);
  EXPECT_EQ(piece.iov[0].iov_len, 20u);
  EXPECT_TRUE(AdvanceTransfer(request, 20, &result));
  EXPECT_EQ(result, IoResult::Bytes(60));
}

TEST(IoTransferTest, StreamsKeepTheirPosition) {
  char buffer[10];
  IoRequest request{.opcode = IoOpcode::kRead, .offset = kCurrentPosition, .buffer = buffer,
                    .length = 10};
  IoResult result = IoResult::Bytes(0);
  EXPECT_FALSE(AdvanceTransfer(request, 4, &result));
  EXPECT_EQ(RemainingPiece(request).offset, kCurrentPosition);
}

TEST(IoTransferTest, SyncsCompleteWithZero) {
  IoRequest request{.opcode = IoOpcode::kFdatasync};
  IoResult result = IoResult::Error(1);
  EXPECT_TRUE(AdvanceTransfer(request, 0, &result));
  EXPECT_EQ(result, IoResult::Bytes(0));
}

TEST(IoTransferTest, FinishRequestCountsAndCallsBack) {
  IoStats stats;
  char buffer[8];
  IoRequest request{.opcode = IoOpcode::kRead, .buffer = buffer, .length = 8};
  int calls = 0;
  request.callback = [&](IoResult result) {
    EXPECT_EQ(result, IoResult::Bytes(8));
    ++calls;
  };
  request.engine.start_ticks = 1;
  FinishRequest(request, IoResult::Bytes(8), stats, 2);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(request.callback) << "moved out before the call";
  EXPECT_EQ(stats.bytes_read, 8u);
  EXPECT_EQ(stats.completed(), 1u);
  EXPECT_EQ(stats.latency.count(), 1u);

  request.callback = [&](IoResult) { ++calls; };
  FinishRequest(request, IoResult::Error(EIO), stats, 3);
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_EQ(stats.bytes_read, 8u);
}

TEST(IoTransferTest, NamesAndStatuses) {
  EXPECT_EQ(IoOpcodeName(IoOpcode::kWritev), "writev");
  EXPECT_TRUE(IoResult::Bytes(3).ToStatus("x").ok());
  Status status = IoResult::Error(EIO).ToStatus("reading segment 3");
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.sys_errno(), EIO);
  EXPECT_NE(status.message().find("reading segment 3"), std::string_view::npos);
}

}  // namespace
}  // namespace ferrite
