#include "commands/command_spec.h"

#include <array>

#include "util/ascii.h"

namespace ferrite {
namespace {

constexpr std::array<std::string_view, 17> kFlagNames = {
    "write",  "readonly", "denyoom",      "admin",        "pubsub",  "noscript",
    "blocking", "loading", "stale",       "skip_monitor", "skip_slowlog", "fast",
    "no_auth", "no_mandatory_keys", "no_multi", "movablekeys", "allow_busy",
};

constexpr std::array<std::string_view, 21> kCategoryNames = {
    "@keyspace", "@read",     "@write",  "@set",       "@sortedset",  "@list",
    "@hash",     "@string",   "@bitmap", "@hyperloglog", "@geo",      "@stream",
    "@pubsub",   "@admin",    "@fast",   "@slow",      "@blocking",   "@dangerous",
    "@connection", "@transaction", "@scripting",
};

template <size_t N>
std::vector<std::string_view> NamesOfBits(uint32_t bits, const std::array<std::string_view, N>& names) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < N; ++i) {
    if (bits & (1u << i)) out.push_back(names[i]);
  }
  return out;
}

}  // namespace

std::vector<std::string_view> CommandFlagNames(uint32_t flags) {
  return NamesOfBits(flags, kFlagNames);
}

std::vector<std::string_view> CommandCategoryNames(uint32_t categories) {
  return NamesOfBits(categories, kCategoryNames);
}

uint32_t CommandCategoryFromName(std::string_view name) {
  for (size_t i = 0; i < kCategoryNames.size(); ++i) {
    if (EqualsIgnoreCase(kCategoryNames[i].substr(1), UntilNul(name))) return 1u << i;
  }
  return 0;
}

}  // namespace ferrite
