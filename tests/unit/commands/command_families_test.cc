#include "commands/command_families.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(CommandFamiliesTest, EveryRegisteredCommandIsRunnableAndDocumented) {
  std::unique_ptr<CommandRegistry> registry = BuildCommandRegistry();
  ASSERT_FALSE(registry->commands().empty());
  for (const CommandSpec* spec : registry->all_specs()) {
    bool container = !spec->subcommands.empty();
    EXPECT_TRUE(container || spec->handler != nullptr) << spec->full_name;
    EXPECT_NE(spec->arity, 0) << spec->full_name;
    EXPECT_FALSE(spec->doc.summary.empty()) << spec->full_name;
    EXPECT_FALSE(spec->doc.since.empty()) << spec->full_name;
    EXPECT_FALSE(spec->doc.group.empty()) << spec->full_name;
    // Redis documents no complexity for MONITOR.
    if (spec->full_name != "monitor") {
      EXPECT_FALSE(spec->doc.complexity.empty()) << spec->full_name;
    }
  }
}

TEST(CommandFamiliesTest, EveryFamilyIsRegistered) {
  std::unique_ptr<CommandRegistry> registry = BuildCommandRegistry();
  for (const char* name :
       {"ping", "client", "config", "command", "get", "setbit", "del", "expire"}) {
    EXPECT_NE(registry->FindTopLevel(name), nullptr) << name;
  }
}

}  // namespace
}  // namespace ferrite
