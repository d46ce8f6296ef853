// What Ferrite knows about a command: the facts COMMAND INFO and COMMAND DOCS report
// (arity, flags, ACL categories, key positions, tips, documentation) and the handler
// that runs it. Every command family registers its specs in one CommandRegistry.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferrite {

struct CommandContext;
using CommandHandler = void (*)(CommandContext& ctx);

// Marks the arguments that must not be shown by MONITOR or kept in the slow log
// (passwords), as Redis redacts them: sets redacted[i] for args[i]. `redacted` has
// args.size() elements, all false on entry. Called only when a command is logged.
using ArgumentRedactor = void (*)(std::span<const std::string_view> args,
                                  std::vector<bool>& redacted);

// Commands an operator must enable in the configuration before clients may run them
// (Redis's CMD_PROTECTED). Refused, before authentication is checked, unless allowed.
enum class CommandGate : uint8_t {
  kOpen,
  kDebug,  // enable-debug-command
};

// Command flags, in the order COMMAND INFO lists them (Redis's order).
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadonly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdAdmin = 1u << 3,
  kCmdPubsub = 1u << 4,
  kCmdNoscript = 1u << 5,
  kCmdBlocking = 1u << 6,
  kCmdLoading = 1u << 7,
  kCmdStale = 1u << 8,
  kCmdSkipMonitor = 1u << 9,
  kCmdSkipSlowlog = 1u << 10,
  kCmdFast = 1u << 11,
  kCmdNoAuth = 1u << 12,
  kCmdNoMandatoryKeys = 1u << 13,
  kCmdNoMulti = 1u << 14,
  kCmdMovableKeys = 1u << 15,
  kCmdAllowBusy = 1u << 16,
};

// ACL categories, in the order COMMAND INFO lists them.
enum CommandCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclSet = 1u << 3,
  kAclSortedSet = 1u << 4,
  kAclList = 1u << 5,
  kAclHash = 1u << 6,
  kAclString = 1u << 7,
  kAclBitmap = 1u << 8,
  kAclHyperLogLog = 1u << 9,
  kAclGeo = 1u << 10,
  kAclStream = 1u << 11,
  kAclPubsub = 1u << 12,
  kAclAdmin = 1u << 13,
  kAclFast = 1u << 14,
  kAclSlow = 1u << 15,
  kAclBlocking = 1u << 16,
  kAclDangerous = 1u << 17,
  kAclConnection = 1u << 18,
  kAclTransaction = 1u << 19,
  kAclScripting = 1u << 20,
};

// Names of the set bits of a flag word, in bit order ("write", "@read", ...).
std::vector<std::string_view> CommandFlagNames(uint32_t flags);
std::vector<std::string_view> CommandCategoryNames(uint32_t categories);
// "read" (as ACLCAT takes it, case-insensitive) -> kAclRead; 0 when unknown.
uint32_t CommandCategoryFromName(std::string_view name);

// Where a command's keys are, in Redis 7's key-spec form.
struct KeySpec {
  std::vector<std::string_view> flags;  // "RO", "access", "RW", "update", ...
  // begin_search: either a fixed argument index or the argument after a keyword.
  int begin_index = 1;
  std::string_view begin_keyword;  // non-empty: search by keyword instead of index
  int keyword_start_from = 1;
  // find_keys: a range (last key relative to begin, step, limit) or a key count read
  // from an argument (keynum_index > 0).
  int last_key = 0;
  int key_step = 1;
  int limit = 0;
  int keynum_index = 0;
  int keynum_first_key = 1;
  int keynum_step = 1;
  std::string_view notes = {};  // non-empty: COMMAND INFO lists it first
};

// One argument in COMMAND DOCS.
struct ArgumentDoc {
  enum Flag : uint8_t { kOptional = 1, kMultiple = 2, kMultipleToken = 4 };
  std::string_view name;
  std::string_view type;  // string, integer, double, key, pattern, unix-time,
                          // pure-token, oneof, block
  std::string_view token = {};
  uint8_t flags = 0;
  std::vector<ArgumentDoc> children = {};
  std::string_view since = {};
  std::string_view deprecated_since = {};
  // For a key argument: the index in CommandSpec::key_specs of the spec that finds it.
  int key_spec_index = -1;
};

// A key argument found by key_specs[key_spec_index].
inline ArgumentDoc KeyArgument(std::string_view name, int key_spec_index, uint8_t flags = 0) {
  return {.name = name, .type = "key", .flags = flags, .key_spec_index = key_spec_index};
}

struct CommandDoc {
  std::string_view summary;
  std::string_view since;
  std::string_view group;
  std::string_view complexity;  // empty: COMMAND DOCS leaves it out (MONITOR)
  std::vector<ArgumentDoc> arguments;
  // (version, what changed in it)
  std::vector<std::pair<std::string_view, std::string_view>> history = {};
  std::vector<std::string_view> doc_flags = {};  // "deprecated", "syscmd"
  std::string_view deprecated_since = {};
  std::string_view replaced_by = {};
};

struct CommandSpec {
  std::string name;  // lowercase; "list" for CLIENT LIST
  int arity = 0;     // N: exactly N words; -N: at least N (the name counts)
  uint32_t flags = 0;
  uint32_t categories = 0;
  CommandHandler handler = nullptr;  // null for containers such as CLIENT
  int first_key = 0;
  int last_key = 0;
  int key_step = 0;
  std::vector<KeySpec> key_specs = {};
  std::vector<std::string_view> tips = {};
  CommandDoc doc = {};
  std::vector<CommandSpec> subcommands = {};
  ArgumentRedactor redact = nullptr;
  CommandGate gate = CommandGate::kOpen;

  // Filled in by CommandRegistry::Register.
  std::string full_name = {};  // "client|list" for a subcommand, else the name
  // Dense index among all registered specs (subcommands included), for per-command
  // statistics kept in arrays.
  uint32_t index = 0;
};

}  // namespace ferrite
