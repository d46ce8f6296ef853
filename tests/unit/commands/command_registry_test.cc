#include "commands/command_registry.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ferrite {
namespace {

void Noop(CommandContext&) {}

std::unique_ptr<CommandRegistry> MakeRegistry() {
  auto registry = std::make_unique<CommandRegistry>();
  registry->Register({.name = "get", .arity = 2, .handler = Noop});
  registry->Register({.name = "client",
                      .arity = -2,
                      .subcommands = {{.name = "list", .arity = -2, .handler = Noop},
                                      {.name = "id", .arity = 2, .handler = Noop}}});
  return registry;
}

TEST(CommandRegistryTest, FindsCommandsCaseInsensitively) {
  auto owned = MakeRegistry();
  CommandRegistry& registry = *owned;
  std::string_view get[] = {"GeT", "k"};
  ASSERT_NE(registry.Find(get), nullptr);
  EXPECT_EQ(registry.Find(get)->full_name, "get");
  std::string_view unknown[] = {"nope"};
  EXPECT_EQ(registry.Find(unknown), nullptr);
}

TEST(CommandRegistryTest, SubcommandsAreFoundThroughTheirContainer) {
  auto owned = MakeRegistry();
  CommandRegistry& registry = *owned;
  std::string_view list[] = {"CLIENT", "LIST"};
  ASSERT_NE(registry.Find(list), nullptr);
  EXPECT_EQ(registry.Find(list)->full_name, "client|list");
  std::string_view bare[] = {"client"};
  EXPECT_EQ(registry.Find(bare)->full_name, "client") << "a bare container finds itself";
  std::string_view bad[] = {"client", "nope"};
  EXPECT_EQ(registry.Find(bad), nullptr);
  EXPECT_EQ(registry.FindByFullName("CLIENT|ID")->full_name, "client|id");
  EXPECT_EQ(registry.FindByFullName("client|nope"), nullptr);
  EXPECT_EQ(registry.FindByFullName("nope|id"), nullptr);
}

TEST(CommandRegistryTest, IndexesAreDense) {
  auto owned = MakeRegistry();
  CommandRegistry& registry = *owned;
  ASSERT_EQ(registry.all_specs().size(), 4u);
  for (size_t i = 0; i < registry.all_specs().size(); ++i) {
    EXPECT_EQ(registry.all_specs()[i]->index, i);
  }
  EXPECT_EQ(registry.commands().size(), 2u);
}

TEST(CommandRegistryTest, DuplicateNamesAreRejected) {
  auto owned = MakeRegistry();
  CommandRegistry& registry = *owned;
  EXPECT_THROW(registry.Register({.name = "get", .arity = 2, .handler = Noop}), std::logic_error);
}

}  // namespace
}  // namespace ferrite
