// Argument helpers shared by command families: integer parsing that replies with
// Redis's error on failure, and case-insensitive keyword matching.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/command_registry.h"
#include "commands/error_replies.h"
#include "protocol/reply_builder.h"
#include "util/strict_int.h"

namespace ferrite {

// Parses `text` as Redis reads an integer argument; on failure replies `error` and
// returns nullopt.
inline std::optional<int64_t> ParseIntOrReply(protocol::ReplyBuilder& reply, std::string_view text,
                                              std::string_view error = kErrNotInteger) {
  auto value = ParseStrictInt64(text);
  if (!value) reply.Error(error);
  return value;
}

// Client names must be printable ASCII without spaces, so that CLIENT LIST lines
// split on spaces.
inline bool IsValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

inline constexpr std::string_view kErrBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Options are compared as Redis compares them, with strcasecmp: up to a NUL byte.
inline bool IsKeyword(std::string_view arg, std::string_view keyword) {
  return EqualsIgnoreCase(UntilNul(arg), keyword);
}

}  // namespace ferrite
