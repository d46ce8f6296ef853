// Runs one request with the checks Redis makes before a command, in Redis's order:
// unknown command or subcommand, arity, protected commands (DEBUG), authentication,
// keyspace commands from a monitor; then the handler.
#pragma once

#include "commands/command_context.h"
#include "commands/command_registry.h"

namespace ferrite {

struct DispatchResult {
  const CommandSpec* command = nullptr;  // null when the name was unknown
  bool rejected = false;                 // refused before the handler ran
};

// `command` is registry.Find(ctx.args), looked up by the caller (which records it before
// the command runs, as CLIENT INFO shows it).
DispatchResult DispatchCommand(const CommandRegistry& registry, const CommandSpec* command,
                               CommandContext& ctx);

// The reply to an unknown command, worded as Redis 7.0 words it:
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommandError(std::span<const std::string_view> args);

}  // namespace ferrite
