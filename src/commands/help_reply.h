// The reply to `<COMMAND> HELP`, as Redis's addReplyHelp writes it: a heading, the
// given lines, then HELP's own entry, each as a simple string.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "protocol/reply_builder.h"
#include "util/ascii.h"

namespace ferrite {

inline void ReplyHelp(protocol::ReplyBuilder& reply, std::string_view command,
                      std::span<const std::string_view> lines) {
  reply.ArrayHeader(lines.size() + 3);
  reply.SimpleString(AsciiToUpper(command) +
                     " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

}  // namespace ferrite
