// Strings family handlers (string_commands.cc); their command table entries are in
// string_command_table.cc.
#pragma once

#include "commands/command_context.h"

namespace ferrite {

void CmdGet(CommandContext& ctx);
void CmdSet(CommandContext& ctx);
void CmdSetNx(CommandContext& ctx);
void CmdSetEx(CommandContext& ctx);
void CmdPSetEx(CommandContext& ctx);
void CmdGetSet(CommandContext& ctx);
void CmdGetDel(CommandContext& ctx);
void CmdGetEx(CommandContext& ctx);
void CmdMGet(CommandContext& ctx);
void CmdMSet(CommandContext& ctx);
void CmdMSetNx(CommandContext& ctx);
void CmdAppend(CommandContext& ctx);
void CmdStrLen(CommandContext& ctx);
void CmdGetRange(CommandContext& ctx);  // also SUBSTR
void CmdSetRange(CommandContext& ctx);
void CmdIncr(CommandContext& ctx);
void CmdDecr(CommandContext& ctx);
void CmdIncrBy(CommandContext& ctx);
void CmdDecrBy(CommandContext& ctx);
void CmdIncrByFloat(CommandContext& ctx);
void CmdLcs(CommandContext& ctx);

}  // namespace ferrite
