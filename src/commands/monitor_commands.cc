// MONITOR: the client receives every command any client runs from now on, one line
// each (server/monitor_feed.h writes them), until it sends RESET or disconnects.
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

void CmdMonitor(CommandContext& ctx) {
  // Redis ignores MONITOR from a client that already is a monitor: no reply at all.
  if (ctx.session.monitor) return;
  ctx.session.monitor = true;
  ctx.server.AddMonitor(ctx.session.id);
  ctx.reply.Ok();
}

}  // namespace

void RegisterMonitorCommands(CommandRegistry& registry) {
  registry.Register(
      {.name = "monitor",
       .arity = 1,
       .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale,
       .categories = kAclAdmin | kAclSlow | kAclDangerous,
       .handler = CmdMonitor,
       .doc = {
           "Streams every command the server runs, as it runs it.", "1.0.0", "server", {}, {}}});
}

}  // namespace ferrite
