#include "commands/command_families.h"

namespace ferrite {

std::unique_ptr<CommandRegistry> BuildCommandRegistry() {
  auto registry = std::make_unique<CommandRegistry>();
  RegisterConnectionCommands(*registry);
  RegisterClientCommands(*registry);
  RegisterServerCommands(*registry);
  RegisterIntrospectionCommands(*registry);
  RegisterStringCommands(*registry);
  RegisterBitCommands(*registry);
  RegisterKeyCommands(*registry);
  RegisterObjectCommands(*registry);
  RegisterSlowlogCommands(*registry);
  RegisterLatencyCommands(*registry);
  RegisterMonitorCommands(*registry);
  RegisterDebugCommands(*registry);
  return registry;
}

}  // namespace ferrite
