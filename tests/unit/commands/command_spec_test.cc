#include "commands/command_spec.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(CommandSpecTest, FlagNamesComeInRedisOrder) {
  uint32_t flags = kCmdAllowBusy | kCmdNoAuth | kCmdFast | kCmdStale | kCmdLoading | kCmdNoscript;
  std::vector<std::string_view> expected = {"noscript", "loading", "stale",
                                            "fast",     "no_auth", "allow_busy"};
  EXPECT_EQ(CommandFlagNames(flags), expected);
  EXPECT_EQ(CommandFlagNames(kCmdWrite | kCmdDenyOom),
            (std::vector<std::string_view>{"write", "denyoom"}));
}

TEST(CommandSpecTest, CategoryNamesComeInRedisOrder) {
  EXPECT_EQ(CommandCategoryNames(kAclConnection | kAclDangerous | kAclSlow | kAclAdmin),
            (std::vector<std::string_view>{"@admin", "@slow", "@dangerous", "@connection"}));
  EXPECT_EQ(CommandCategoryFromName("read"), kAclRead);
  EXPECT_EQ(CommandCategoryFromName("SCRIPTING"), kAclScripting);
  EXPECT_EQ(CommandCategoryFromName(std::string_view("connection\0x", 12)), kAclConnection);
  EXPECT_EQ(CommandCategoryFromName("@read"), 0u);
}

}  // namespace
}  // namespace ferrite
