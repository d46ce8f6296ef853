#include "protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace ferrite::protocol {
namespace {

std::string Contents(ReplyBuffer& buffer) {
  std::string out;
  struct iovec iov[64];
  int count = buffer.PrepareWrite(iov, 64, SIZE_MAX);
  for (int i = 0; i < count; ++i) out.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

template <typename Fn>
std::string Render(int resp, Fn fn) {
  ReplyBuffer buffer;
  ReplyBuilder builder(buffer, resp);
  fn(builder);
  return Contents(buffer);
}

TEST(ReplyBuilderTest, ScalarsInBothProtocols) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Render(resp, [](ReplyBuilder& r) { r.SimpleString("PONG"); }), "+PONG\r\n");
    EXPECT_EQ(Render(resp, [](ReplyBuilder& r) { r.Ok(); }), "+OK\r\n");
    EXPECT_EQ(Render(resp, [](ReplyBuilder& r) { r.Integer(-42); }), ":-42\r\n");
    EXPECT_EQ(Render(resp, [](ReplyBuilder& r) { r.Integer(INT64_MIN); }),
              ":-9223372036854775808\r\n");
    EXPECT_EQ(Render(resp, [](ReplyBuilder& r) { r.Bulk(std::string_view("a\0b", 3)); }),
              std::string("$3\r\na\0b\r\n", 9));
    EXPECT_EQ(Render(resp, [](ReplyBuilder& r) { r.Bulk(""); }), "$0\r\n\r\n");
  }
}

TEST(ReplyBuilderTest, NullsDifferByProtocol) {
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.Null(); }), "$-1\r\n");
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.Null(); }), "_\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.NullArray(); }), "_\r\n");
}

TEST(ReplyBuilderTest, AggregatesDifferByProtocol) {
  auto map = [](ReplyBuilder& r) {
    r.MapHeader(1);
    r.Bulk("k");
    r.Integer(1);
  };
  EXPECT_EQ(Render(2, map), "*2\r\n$1\r\nk\r\n:1\r\n");
  EXPECT_EQ(Render(3, map), "%1\r\n$1\r\nk\r\n:1\r\n");
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.SetHeader(2); }), "*2\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.SetHeader(2); }), "~2\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.PushHeader(3); }), ">3\r\n");
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.PushHeader(3); }), "*3\r\n");
}

TEST(ReplyBuilderTest, DoublesBoolsAndVerbatim) {
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.Double(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.Double(1.5); }), ",1.5\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.Double(0.1); }), ",0.10000000000000001\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.Double(-INFINITY); }), ",-inf\r\n");
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.Double(INFINITY); }), "$3\r\ninf\r\n");
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.Bool(false); }), "#f\r\n");
  EXPECT_EQ(Render(2, [](ReplyBuilder& r) { r.Verbatim("a\nb"); }), "$3\r\na\nb\r\n");
  EXPECT_EQ(Render(3, [](ReplyBuilder& r) { r.Verbatim("a\nb"); }), "=7\r\ntxt:a\nb\r\n");
}

TEST(ReplyBuilderTest, ErrorsAreSanitizedAndCounted) {
  ReplyBuffer buffer;
  ReplyBuilder builder(buffer, 2);
  EXPECT_FALSE(builder.has_errors());
  builder.Error("ERR unknown command 'a\r\nb'");
  builder.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(Contents(buffer),
            "-ERR unknown command 'a  b'\r\n"
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  std::vector<std::string> codes;
  builder.TakeErrorCodes(codes);
  EXPECT_EQ(codes, (std::vector<std::string>{"ERR", "WRONGTYPE"}));
  EXPECT_FALSE(builder.has_errors());
}

TEST(ReplyBuilderTest, MutedBuilderWritesNothing) {
  ReplyBuffer buffer;
  ReplyBuilder builder(buffer, 2);
  builder.set_muted(true);
  builder.Ok();
  builder.Bulk("x");
  builder.ArrayHeader(3);
  EXPECT_TRUE(buffer.empty());
  builder.set_muted(false);
  builder.Ok();
  EXPECT_EQ(Contents(buffer), "+OK\r\n");
}

}  // namespace
}  // namespace ferrite::protocol
