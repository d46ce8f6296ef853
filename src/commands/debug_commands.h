// Diagnostics family handlers (debug_commands.cc): DEBUG, SLOWLOG, LATENCY, MONITOR;
// their command table entries are in debug_command_table.cc.
#pragma once

#include "commands/command_context.h"

namespace ferrite {

void CmdDebug(CommandContext& ctx);
void CmdSlowlogGet(CommandContext& ctx);
void CmdSlowlogLen(CommandContext& ctx);
void CmdSlowlogReset(CommandContext& ctx);
void CmdSlowlogHelp(CommandContext& ctx);
void CmdLatencyLatest(CommandContext& ctx);
void CmdLatencyHistory(CommandContext& ctx);
void CmdLatencyReset(CommandContext& ctx);
void CmdLatencyHelp(CommandContext& ctx);
void CmdMonitor(CommandContext& ctx);

}  // namespace ferrite
