// OBJECT and its subcommands: ENCODING, REFCOUNT, IDLETIME, FREQ, HELP.
//
// Ferrite stores every string as the bytes of one log record, so it has no encodings of
// its own; OBJECT ENCODING names the one Redis would give a value of those bytes when
// it stores it with SET (StringEncodingOf). OBJECT REFCOUNT follows from the encoding:
// Redis shares one object among all keys holding an integer below 10000 (Ferrite,
// which never evicts, has no reason to stop sharing them under an LRU or LFU policy).
// Ferrite keeps no per-key access clock or counter (records age by their place in the
// log), so IDLETIME and FREQ answer an error where Redis would answer a number; with the
// maxmemory-policy under which Redis refuses them, they answer Redis's own refusal.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commands/command_args.h"
#include "commands/error_replies.h"
#include "commands/key_commands.h"
#include "commands/key_dispatch.h"
#include "commands/reply_writers.h"
#include "commands/server_api.h"
#include "commands/string_values.h"
#include "commands/value_access.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

// Redis's OBJ_SHARED_REFCOUNT, the reference count of its shared integers.
constexpr int64_t kSharedRefcount = 2147483647;
// Redis's OBJ_SHARED_INTEGERS: integers in [0, this) are shared objects.
constexpr int64_t kSharedIntegers = 10000;

constexpr std::string_view kErrLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kErrLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
constexpr std::string_view kErrIdleNotTracked =
    "ERR Ferrite keeps no per-key access time, idle time not tracked.";
constexpr std::string_view kErrFrequencyNotTracked =
    "ERR Ferrite keeps no per-key access counter, access frequency not tracked.";

bool LfuPolicySelected(CommandContext& ctx) {
  const std::array<std::string_view, 1> name = {"maxmemory-policy"};
  ConfigPairs policy = ctx.server.ConfigGet(name);
  return !policy.empty() && policy.front().second.ends_with("-lfu");
}

// Looks `ctx.args[2]` up and replies nil when it is missing, or what `reply` makes of
// its value.
void ReplyOnValue(CommandContext& ctx, ReplyWriter (*reply)(std::string_view value)) {
  ReadString(ctx, ctx.args[2], [reply](std::optional<std::string_view> value) -> ReplyWriter {
    if (!value) return BulkOrNullWriter(std::nullopt);
    return reply(*value);
  });
}

void CmdObjectEncoding(CommandContext& ctx) {
  ReplyOnValue(ctx, [](std::string_view value) -> ReplyWriter {
    return BulkOrNullWriter(std::string(StringEncodingOf(value)));
  });
}

void CmdObjectRefcount(CommandContext& ctx) {
  ReplyOnValue(ctx, [](std::string_view value) -> ReplyWriter {
    std::optional<int64_t> integer =
        StringEncodingOf(value) == kEncodingInt ? ParseStrictInt64(value) : std::nullopt;
    const bool shared = integer && *integer >= 0 && *integer < kSharedIntegers;
    return IntegerWriter(shared ? kSharedRefcount : 1);
  });
}

// Replies nil for a missing key (Redis looks the key up first), else `error`.
void ErrorUnlessMissing(CommandContext& ctx, std::string_view error) {
  ReadString(ctx, ctx.args[2],
             [error = std::string(error)](std::optional<std::string_view> value) -> ReplyWriter {
               if (!value) return BulkOrNullWriter(std::nullopt);
               return ErrorWriter(Status::InvalidArgument(error));
             });
}

void CmdObjectIdletime(CommandContext& ctx) {
  ErrorUnlessMissing(ctx, LfuPolicySelected(ctx) ? kErrLfuSelected : kErrIdleNotTracked);
}

void CmdObjectFreq(CommandContext& ctx) {
  ErrorUnlessMissing(ctx, LfuPolicySelected(ctx) ? kErrFrequencyNotTracked : kErrLfuNotSelected);
}

void CmdObjectHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

}  // namespace

void RegisterObjectCommands(CommandRegistry& registry) {
  // The table keeps views of the texts: literals only.
  const auto key_subcommand = [](std::string_view name, CommandHandler handler,
                                 std::string_view summary, std::string_view since) {
    return CommandSpec{.name = std::string(name),
                       .arity = 3,
                       .flags = kCmdReadonly,
                       .categories = kAclKeyspace | kAclRead | kAclSlow,
                       .handler = handler,
                       .first_key = 2,
                       .last_key = 2,
                       .key_step = 1,
                       .key_specs = {{.flags = {"RO"}, .begin_index = 2}},
                       .tips = {"nondeterministic_output"},
                       .doc = {summary, since, "generic", "O(1)", {KeyArgument("key", 0)}}};
  };
  std::vector<CommandSpec> subcommands;
  subcommands.push_back(key_subcommand("encoding", CmdObjectEncoding,
                                       "Names the internal representation of a key's value.",
                                       "2.2.3"));
  subcommands.push_back(key_subcommand(
      "freq", CmdObjectFreq, "Returns the logarithmic access counter of a key.", "4.0.0"));
  subcommands.push_back(key_subcommand("idletime", CmdObjectIdletime,
                                       "Returns the seconds since a key was last accessed.",
                                       "2.2.3"));
  subcommands.push_back(key_subcommand("refcount", CmdObjectRefcount,
                                       "Returns the reference count of a key's value.", "2.2.3"));
  subcommands.push_back(
      {.name = "help",
       .arity = 2,
       .flags = kCmdLoading | kCmdStale,
       .categories = kAclKeyspace | kAclSlow,
       .handler = CmdObjectHelp,
       .doc = {"Shows help on the OBJECT subcommands.", "6.2.0", "generic", "O(1)", {}}});
  registry.Register({.name = "object",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the object introspection commands.",
                             "2.2.3",
                             "generic",
                             "Depends on subcommand.",
                             {}},
                     .subcommands = std::move(subcommands)});
}

}  // namespace ferrite
