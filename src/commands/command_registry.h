// The one table of commands. Families register their CommandSpecs at startup; after
// that the registry is read-only and shared by every thread without locking.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_spec.h"
#include "util/ascii.h"

namespace ferrite {

class CommandRegistry {
 public:
  CommandRegistry() = default;
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  // Adds a command (with its subcommands). Startup only. Throws std::logic_error on a
  // duplicate name: that is a programming error, caught by the first test run.
  void Register(CommandSpec spec);

  // Redis's lookup: the command named by args[0] or, for a container such as CLIENT
  // called with a subcommand, the subcommand named by args[1]. Case-insensitive.
  // Null when unknown. REQUIRES: !args.empty()
  const CommandSpec* Find(std::span<const std::string_view> args) const;
  // By name: "get" or "client|list". Case-insensitive.
  const CommandSpec* FindByFullName(std::string_view full_name) const;
  // A top-level command by name, container or not.
  const CommandSpec* FindTopLevel(std::string_view name) const;

  // Top-level commands in registration order.
  const std::vector<const CommandSpec*>& commands() const { return top_level_; }
  // Every spec, subcommands included, indexed by CommandSpec::index.
  const std::vector<const CommandSpec*>& all_specs() const { return all_specs_; }

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const;
  };
  struct NameEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };

  std::vector<std::unique_ptr<CommandSpec>> owned_;
  std::vector<const CommandSpec*> top_level_;
  std::vector<const CommandSpec*> all_specs_;
  std::unordered_map<std::string, const CommandSpec*, NameHash, NameEqual> by_name_;
};

}  // namespace ferrite
