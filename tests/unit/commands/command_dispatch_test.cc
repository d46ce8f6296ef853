#include "commands/command_dispatch.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

std::string Unknown(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> list(args);
  return UnknownCommandError(list);
}

TEST(UnknownCommandErrorTest, QuotesEachArgument) {
  EXPECT_EQ(Unknown({"foo"}), "ERR unknown command 'foo', with args beginning with: ");
  EXPECT_EQ(Unknown({"foo", "a", ""}),
            "ERR unknown command 'foo', with args beginning with: 'a' '' ");
}

TEST(UnknownCommandErrorTest, StopsAtNulAndLimitsLength) {
  EXPECT_EQ(Unknown({std::string_view("fo\0o", 4), std::string_view("x\0y", 3)}),
            "ERR unknown command 'fo', with args beginning with: 'x' ");
  std::string long_name(200, 'n');
  std::string error = Unknown({long_name});
  EXPECT_NE(error.find("'" + std::string(128, 'n') + "'"), std::string::npos);
  std::string long_arg(300, 'a');
  error = Unknown({"f", long_arg, "b"});
  // The argument list stops growing once it reaches 128 bytes.
  EXPECT_EQ(error,
            "ERR unknown command 'f', with args beginning with: '" + std::string(128, 'a') + "' ");
  std::vector<std::string> many(100, "xy");
  std::vector<std::string_view> args = {"f"};
  args.insert(args.end(), many.begin(), many.end());
  error = UnknownCommandError(args);
  size_t quoted = error.size() - error.find(": ") - 2;
  EXPECT_EQ(quoted, 130u) << "26 arguments of 5 bytes, then the list is full";
}

}  // namespace
}  // namespace ferrite
