// Bitmap family handlers (bit_commands.cc); their command table entries are in
// bit_command_table.cc.
#pragma once

#include "commands/command_context.h"

namespace ferrite {

void CmdSetBit(CommandContext& ctx);
void CmdGetBit(CommandContext& ctx);
void CmdBitCount(CommandContext& ctx);
void CmdBitPos(CommandContext& ctx);
void CmdBitOp(CommandContext& ctx);
void CmdBitField(CommandContext& ctx);
void CmdBitFieldRo(CommandContext& ctx);

}  // namespace ferrite
