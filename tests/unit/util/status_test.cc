#include "ferrite/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace ferrite {
namespace {

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_EQ(sizeof(Status), sizeof(void*));
}

TEST(StatusTest, ErrorsCarryCodeAndMessage) {
  Status status = Status::InvalidArgument("ERR syntax error");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "ERR syntax error");
  EXPECT_EQ(status.ToString(), "InvalidArgument: ERR syntax error");
}

TEST(StatusTest, ErrnoBecomesIoErrorOrNoSpace) {
  Status io = Status::FromErrno(EIO, "write data/0001.log");
  EXPECT_EQ(io.code(), StatusCode::kIoError);
  EXPECT_EQ(io.sys_errno(), EIO);
  EXPECT_NE(io.message().find("write data/0001.log: "), std::string_view::npos);
  Status full = Status::FromErrno(ENOSPC, "append");
  EXPECT_EQ(full.code(), StatusCode::kNoSpace);
  EXPECT_EQ(full.sys_errno(), ENOSPC);
}

TEST(StatusTest, CopiesAreDeepAndMovesLeaveOk) {
  Status original = Status::NotFound("missing");
  Status copy = original;
  EXPECT_EQ(copy.message(), "missing");
  Status moved = std::move(original);
  EXPECT_EQ(moved.code(), StatusCode::kNotFound);
  copy = Status::Ok();
  EXPECT_TRUE(copy.ok());
  EXPECT_EQ(moved.message(), "missing");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> value = 42;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 42);
  Result<std::string> failed = Status::Corruption("bad checksum");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kCorruption);
  Result<std::string> text = std::string("abc");
  EXPECT_EQ(text->size(), 3u);
  std::string taken = std::move(text).value();
  EXPECT_EQ(taken, "abc");
}

}  // namespace
}  // namespace ferrite
