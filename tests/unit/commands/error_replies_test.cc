#include "commands/error_replies.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace ferrite {
namespace {

TEST(ErrorRepliesTest, ArityAndSubcommandWording) {
  EXPECT_EQ(WrongArityError("client|setname"),
            "ERR wrong number of arguments for 'client|setname' command");
  EXPECT_EQ(UnknownSubcommandError("client", "foo"),
            "ERR unknown subcommand 'foo'. Try CLIENT HELP.");
  EXPECT_EQ(UnknownSubcommandError("config", std::string_view("a\0b", 3)),
            "ERR unknown subcommand 'a'. Try CONFIG HELP.");
}

TEST(ErrorRepliesTest, SubcommandSyntaxWording) {
  EXPECT_EQ(SubcommandSyntaxError("debug", "nosuch"),
            "ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.");
  EXPECT_EQ(SubcommandSyntaxError("slowlog", std::string(200, 'x')),
            "ERR unknown subcommand or wrong number of arguments for '" + std::string(128, 'x') +
                "'. Try SLOWLOG HELP.");
}

std::string Render(const Status& status) {
  protocol::ReplyBuffer buffer;
  protocol::ReplyBuilder builder(buffer, 2);
  ReplyStatusError(builder, status);
  std::string out;
  struct iovec iov[4];
  int count = buffer.PrepareWrite(iov, 4, SIZE_MAX);
  for (int i = 0; i < count; ++i) out.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

TEST(ErrorRepliesTest, StatusMapsToOneReply) {
  EXPECT_EQ(Render(Status::InvalidArgument("ERR syntax error")), "-ERR syntax error\r\n");
  EXPECT_EQ(Render(Status(Status::FromErrno(EIO, "read"))),
            "-ERR IoError: read: Input/output error\r\n");
}

}  // namespace
}  // namespace ferrite
