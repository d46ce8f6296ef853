// Keyspace family handlers (key_commands.cc, keyspace_scan_commands.cc,
// expiry_commands.cc); their command table entries are in key_command_table.cc.
#pragma once

#include "commands/command_context.h"

namespace ferrite {

// key_commands.cc
void CmdDel(CommandContext& ctx);  // also UNLINK
void CmdExists(CommandContext& ctx);
void CmdType(CommandContext& ctx);
void CmdTouch(CommandContext& ctx);
void CmdRename(CommandContext& ctx);
void CmdRenameNx(CommandContext& ctx);
void CmdCopy(CommandContext& ctx);
void CmdMove(CommandContext& ctx);

// keyspace_scan_commands.cc
void CmdDbSize(CommandContext& ctx);
void CmdKeys(CommandContext& ctx);
void CmdScan(CommandContext& ctx);
void CmdRandomKey(CommandContext& ctx);
void CmdFlushDb(CommandContext& ctx);
void CmdFlushAll(CommandContext& ctx);
void CmdSwapDb(CommandContext& ctx);

// expiry_commands.cc
void CmdExpire(CommandContext& ctx);
void CmdPExpire(CommandContext& ctx);
void CmdExpireAt(CommandContext& ctx);
void CmdPExpireAt(CommandContext& ctx);
void CmdTtl(CommandContext& ctx);
void CmdPTtl(CommandContext& ctx);
void CmdExpireTime(CommandContext& ctx);
void CmdPExpireTime(CommandContext& ctx);
void CmdPersist(CommandContext& ctx);

}  // namespace ferrite
