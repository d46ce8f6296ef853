#include "commands/command_dispatch.h"

#include "commands/error_replies.h"
#include "commands/server_api.h"
#include "util/ascii.h"

namespace ferrite {
namespace {

bool ArityMatches(const CommandSpec& command, size_t argc) {
  int arity = command.arity;
  if (arity > 0) return static_cast<size_t>(arity) == argc;
  return argc >= static_cast<size_t>(-arity);
}

bool GateAllows(const CommandSpec& command, const CommandContext& ctx) {
  if (command.gate == CommandGate::kOpen) return true;
  switch (ctx.server.debug_command_access()) {
    case ProtectedCommandAccess::kYes:
      return true;
    case ProtectedCommandAccess::kLocal:
      return ctx.connection.IsLocal();
    case ProtectedCommandAccess::kNo:
      break;
  }
  return false;
}

}  // namespace

std::string UnknownCommandError(std::span<const std::string_view> args) {
  std::string quoted;
  for (size_t i = 1; i < args.size() && quoted.size() < 128; ++i) {
    quoted += '\'';
    quoted += UntilNul(args[i]).substr(0, 128 - quoted.size() + 1);
    quoted += "' ";
  }
  std::string message = "ERR unknown command '";
  message += UntilNul(args[0]).substr(0, 128);
  message += "', with args beginning with: ";
  message += quoted;
  return message;
}

DispatchResult DispatchCommand(const CommandRegistry& registry, const CommandSpec* command,
                               CommandContext& ctx) {
  DispatchResult result;
  if (command == nullptr) {
    const CommandSpec* container = registry.FindTopLevel(ctx.args[0]);
    if (container != nullptr) {
      ctx.reply.Error(UnknownSubcommandError(container->name, ctx.args[1]));
    } else {
      ctx.reply.Error(UnknownCommandError(ctx.args));
    }
    result.rejected = true;
    return result;
  }
  result.command = command;
  if (!ArityMatches(*command, ctx.args.size())) {
    ctx.reply.Error(WrongArityError(command->full_name));
    result.rejected = true;
    return result;
  }
  if (!GateAllows(*command, ctx)) {
    ctx.reply.Error(kErrDebugNotAllowed);
    result.rejected = true;
    return result;
  }
  if (!ctx.session.authenticated && !(command->flags & kCmdNoAuth)) {
    ctx.reply.Error(kErrNoAuth);
    result.rejected = true;
    return result;
  }
  if (ctx.session.monitor && (command->flags & (kCmdWrite | kCmdReadonly))) {
    ctx.reply.Error(kErrMonitorKeyspace);
    result.rejected = true;
    return result;
  }
  command->handler(ctx);
  return result;
}

}  // namespace ferrite
