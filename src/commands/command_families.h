// Every command family's registration function, and the function that builds the
// complete command table from them.
#pragma once

#include <memory>
#include <string_view>

#include "commands/command_registry.h"

namespace ferrite {

// The Redis version Ferrite's replies are compatible with; clients that adapt to the
// server's version (HELLO, INFO redis_version) see this one.
inline constexpr std::string_view kRedisCompatibleVersion = "7.0.15";

void RegisterConnectionCommands(CommandRegistry& registry);
void RegisterClientCommands(CommandRegistry& registry);
void RegisterServerCommands(CommandRegistry& registry);
void RegisterIntrospectionCommands(CommandRegistry& registry);
void RegisterStringCommands(CommandRegistry& registry);
void RegisterBitCommands(CommandRegistry& registry);
void RegisterKeyCommands(CommandRegistry& registry);
void RegisterObjectCommands(CommandRegistry& registry);  // object_commands.cc
void RegisterSlowlogCommands(CommandRegistry& registry);
void RegisterLatencyCommands(CommandRegistry& registry);
void RegisterMonitorCommands(CommandRegistry& registry);
void RegisterDebugCommands(CommandRegistry& registry);

std::unique_ptr<CommandRegistry> BuildCommandRegistry();

}  // namespace ferrite
