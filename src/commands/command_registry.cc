#include "commands/command_registry.h"

#include <stdexcept>

namespace ferrite {

size_t CommandRegistry::NameHash::operator()(std::string_view name) const {
  // FNV-1a over lowercased bytes: command names are short and few.
  uint64_t hash = 1469598103934665603ull;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(AsciiLower(c));
    hash *= 1099511628211ull;
  }
  return static_cast<size_t>(hash);
}

bool CommandRegistry::NameEqual::operator()(std::string_view a, std::string_view b) const {
  return EqualsIgnoreCase(a, b);
}

void CommandRegistry::Register(CommandSpec spec) {
  if (by_name_.contains(spec.name)) {
    throw std::logic_error("command registered twice: " + spec.name);
  }
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  CommandSpec& command = *owned;
  command.full_name = command.name;
  command.index = static_cast<uint32_t>(all_specs_.size());
  all_specs_.push_back(&command);
  for (CommandSpec& sub : command.subcommands) {
    sub.full_name = command.name + "|" + sub.name;
    sub.index = static_cast<uint32_t>(all_specs_.size());
    all_specs_.push_back(&sub);
  }
  by_name_.emplace(command.name, &command);
  top_level_.push_back(&command);
  owned_.push_back(std::move(owned));
}

const CommandSpec* CommandRegistry::FindTopLevel(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandRegistry::Find(std::span<const std::string_view> args) const {
  const CommandSpec* base = FindTopLevel(args[0]);
  if (base == nullptr || base->subcommands.empty() || args.size() == 1) return base;
  for (const CommandSpec& sub : base->subcommands) {
    if (EqualsIgnoreCase(sub.name, args[1])) return &sub;
  }
  return nullptr;
}

const CommandSpec* CommandRegistry::FindByFullName(std::string_view full_name) const {
  size_t bar = full_name.find('|');
  if (bar == std::string_view::npos) return FindTopLevel(full_name);
  const CommandSpec* base = FindTopLevel(full_name.substr(0, bar));
  if (base == nullptr) return nullptr;
  std::string_view sub_name = full_name.substr(bar + 1);
  for (const CommandSpec& sub : base->subcommands) {
    if (EqualsIgnoreCase(sub.name, sub_name)) return &sub;
  }
  return nullptr;
}

}  // namespace ferrite
