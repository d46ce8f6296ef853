// COMMAND and its subcommands: the command table as Redis 7.0 reports it (COMMAND INFO's
// ten-element entries with key specs, COMMAND DOCS's maps, COUNT, LIST, GETKEYS, HELP).
#include <string>
#include <vector>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/server_api.h"
#include "util/glob_match.h"

namespace ferrite {
namespace {

using protocol::ReplyBuilder;

void ReplyKeySpec(ReplyBuilder& r, const KeySpec& spec) {
  r.MapHeader(3 + !spec.notes.empty());
  if (!spec.notes.empty()) {
    r.Bulk("notes");
    r.Bulk(spec.notes);
  }
  r.Bulk("flags");
  r.SetHeader(spec.flags.size());
  for (std::string_view flag : spec.flags) r.SimpleString(flag);

  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  if (spec.begin_keyword.empty()) {
    r.Bulk("index");
    r.Bulk("spec");
    r.MapHeader(1);
    r.Bulk("index");
    r.Integer(spec.begin_index);
  } else {
    r.Bulk("keyword");
    r.Bulk("spec");
    r.MapHeader(2);
    r.Bulk("keyword");
    r.Bulk(spec.begin_keyword);
    r.Bulk("startfrom");
    r.Integer(spec.keyword_start_from);
  }

  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  if (spec.keynum_index == 0) {
    r.Bulk("range");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("lastkey");
    r.Integer(spec.last_key);
    r.Bulk("keystep");
    r.Integer(spec.key_step);
    r.Bulk("limit");
    r.Integer(spec.limit);
  } else {
    r.Bulk("keynum");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("keynumidx");
    r.Integer(spec.keynum_index);
    r.Bulk("firstkey");
    r.Integer(spec.keynum_first_key);
    r.Bulk("keystep");
    r.Integer(spec.keynum_step);
  }
}

void ReplyCommandInfo(ReplyBuilder& r, const CommandSpec& command) {
  r.ArrayHeader(10);
  r.Bulk(command.full_name);
  r.Integer(command.arity);
  auto flags = CommandFlagNames(command.flags);
  r.SetHeader(flags.size());
  for (std::string_view flag : flags) r.SimpleString(flag);
  r.Integer(command.first_key);
  r.Integer(command.last_key);
  r.Integer(command.key_step);
  auto categories = CommandCategoryNames(command.categories);
  r.SetHeader(categories.size());
  for (std::string_view category : categories) r.SimpleString(category);
  r.SetHeader(command.tips.size());
  for (std::string_view tip : command.tips) r.Bulk(tip);
  r.SetHeader(command.key_specs.size());
  for (const KeySpec& spec : command.key_specs) ReplyKeySpec(r, spec);
  // Redis sends "no subcommands" as an empty set and subcommands as an array.
  if (command.subcommands.empty()) {
    r.SetHeader(0);
  } else {
    r.ArrayHeader(command.subcommands.size());
  }
  for (const CommandSpec& sub : command.subcommands) ReplyCommandInfo(r, sub);
}

void ReplyArgumentDoc(ReplyBuilder& r, const ArgumentDoc& arg) {
  std::vector<std::string_view> flags;
  if (arg.flags & ArgumentDoc::kOptional) flags.push_back("optional");
  if (arg.flags & ArgumentDoc::kMultiple) flags.push_back("multiple");
  if (arg.flags & ArgumentDoc::kMultipleToken) flags.push_back("multiple_token");
  size_t fields = 2 + (arg.key_spec_index >= 0) + !arg.token.empty() + !arg.since.empty() +
                  !arg.deprecated_since.empty() + !flags.empty() + !arg.children.empty();
  r.MapHeader(fields);
  r.Bulk("name");
  r.Bulk(arg.name);
  r.Bulk("type");
  r.Bulk(arg.type);
  if (arg.key_spec_index >= 0) {
    r.Bulk("key_spec_index");
    r.Integer(arg.key_spec_index);
  }
  if (!arg.token.empty()) {
    r.Bulk("token");
    r.Bulk(arg.token);
  }
  if (!arg.since.empty()) {
    r.Bulk("since");
    r.Bulk(arg.since);
  }
  if (!arg.deprecated_since.empty()) {
    r.Bulk("deprecated_since");
    r.Bulk(arg.deprecated_since);
  }
  if (!flags.empty()) {
    r.Bulk("flags");
    r.SetHeader(flags.size());
    for (std::string_view flag : flags) r.SimpleString(flag);
  }
  if (!arg.children.empty()) {
    r.Bulk("arguments");
    r.ArrayHeader(arg.children.size());
    for (const ArgumentDoc& child : arg.children) ReplyArgumentDoc(r, child);
  }
}

void ReplyCommandDoc(ReplyBuilder& r, const CommandSpec& command) {
  const CommandDoc& doc = command.doc;
  r.MapHeader(3 + !doc.complexity.empty() + !doc.doc_flags.empty() +
              !doc.deprecated_since.empty() + !doc.replaced_by.empty() + !doc.history.empty() +
              !doc.arguments.empty() + !command.subcommands.empty());
  r.Bulk("summary");
  r.Bulk(doc.summary);
  r.Bulk("since");
  r.Bulk(doc.since);
  r.Bulk("group");
  r.Bulk(doc.group);
  if (!doc.complexity.empty()) {
    r.Bulk("complexity");
    r.Bulk(doc.complexity);
  }
  if (!doc.doc_flags.empty()) {
    r.Bulk("doc_flags");
    r.SetHeader(doc.doc_flags.size());
    for (std::string_view flag : doc.doc_flags) r.SimpleString(flag);
  }
  if (!doc.deprecated_since.empty()) {
    r.Bulk("deprecated_since");
    r.Bulk(doc.deprecated_since);
  }
  if (!doc.replaced_by.empty()) {
    r.Bulk("replaced_by");
    r.Bulk(doc.replaced_by);
  }
  if (!doc.history.empty()) {
    r.Bulk("history");
    r.SetHeader(doc.history.size());
    for (const auto& [version, change] : doc.history) {
      r.ArrayHeader(2);
      r.Bulk(version);
      r.Bulk(change);
    }
  }
  if (!doc.arguments.empty()) {
    r.Bulk("arguments");
    r.ArrayHeader(doc.arguments.size());
    for (const ArgumentDoc& arg : doc.arguments) ReplyArgumentDoc(r, arg);
  }
  if (!command.subcommands.empty()) {
    r.Bulk("subcommands");
    r.MapHeader(command.subcommands.size());
    for (const CommandSpec& sub : command.subcommands) {
      r.Bulk(sub.full_name);
      ReplyCommandDoc(r, sub);
    }
  }
}

void ReplyAllCommandInfo(CommandContext& ctx) {
  const auto& commands = ctx.server.commands().commands();
  ctx.reply.ArrayHeader(commands.size());
  for (const CommandSpec* command : commands) ReplyCommandInfo(ctx.reply, *command);
}

void CmdCommand(CommandContext& ctx) { ReplyAllCommandInfo(ctx); }

void CmdCommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands().commands().size()));
}

void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    ReplyAllCommandInfo(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const CommandSpec* command = ctx.server.commands().FindByFullName(ctx.args[i]);
    if (command == nullptr) {
      ctx.reply.Null();
    } else {
      ReplyCommandInfo(ctx.reply, *command);
    }
  }
}

void CmdCommandDocs(CommandContext& ctx) {
  const CommandRegistry& registry = ctx.server.commands();
  std::vector<const CommandSpec*> selected;
  if (ctx.args.size() == 2) {
    selected = registry.commands();
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      if (const CommandSpec* command = registry.FindByFullName(ctx.args[i])) {
        selected.push_back(command);
      }
    }
  }
  ctx.reply.MapHeader(selected.size());
  for (const CommandSpec* command : selected) {
    ctx.reply.Bulk(command->full_name);
    ReplyCommandDoc(ctx.reply, *command);
  }
}

void CmdCommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kCategory, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.args.size() == 5 && IsKeyword(ctx.args[2], "filterby")) {
    value = ctx.args[4];
    if (IsKeyword(ctx.args[3], "module")) {
      filter = Filter::kModule;
    } else if (IsKeyword(ctx.args[3], "aclcat")) {
      filter = Filter::kCategory;
    } else if (IsKeyword(ctx.args[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  } else if (ctx.args.size() != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  uint32_t category = 0;
  if (filter == Filter::kCategory) {
    category = CommandCategoryFromName(value);
  }
  std::vector<std::string_view> names;
  auto consider = [&](const CommandSpec& command) {
    switch (filter) {
      case Filter::kNone: names.push_back(command.full_name); break;
      case Filter::kModule: break;  // no modules are loaded
      case Filter::kCategory:
        if (category != 0 && (command.categories & category)) names.push_back(command.full_name);
        break;
      case Filter::kPattern:
        if (GlobMatch(value, command.full_name, /*nocase=*/true)) {
          names.push_back(command.full_name);
        }
        break;
    }
  };
  for (const CommandSpec* command : ctx.server.commands().commands()) {
    consider(*command);
    for (const CommandSpec& sub : command->subcommands) consider(sub);
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view name : names) ctx.reply.Bulk(name);
}

void CmdCommandGetKeys(CommandContext& ctx) {
  std::span<const std::string_view> target = ctx.args.subspan(2);
  const CommandSpec* command = ctx.server.commands().Find(target);
  if (command == nullptr) {
    ctx.reply.Error("ERR Invalid command specified");
    return;
  }
  if (command->first_key <= 0 && command->key_specs.empty()) {
    ctx.reply.Error("ERR The command has no key arguments");
    return;
  }
  int arity = command->arity;
  if ((arity > 0 && static_cast<size_t>(arity) != target.size()) ||
      target.size() < static_cast<size_t>(arity < 0 ? -arity : 0)) {
    ctx.reply.Error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<std::string_view> keys;
  int last = command->last_key < 0 ? static_cast<int>(target.size()) + command->last_key
                                   : command->last_key;
  int step = command->key_step > 0 ? command->key_step : 1;
  for (int i = command->first_key; i <= last && i < static_cast<int>(target.size()); i += step) {
    keys.push_back(target[static_cast<size_t>(i)]);
  }
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view key : keys) ctx.reply.Bulk(key);
}

void CmdCommandHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all commands.",
      "COUNT",
      "    Return the total number of commands.",
      "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
      "    Return the names of the commands, optionally filtered.",
      "INFO [<command-name> ...]",
      "    Return details about the given commands, or all of them.",
      "DOCS [<command-name> ...]",
      "    Return documentation of the given commands, or all of them.",
      "GETKEYS <full-command>",
      "    Return the keys of a full command line.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kIntrospectionFlags = kCmdLoading | kCmdStale;
constexpr uint32_t kIntrospectionCategories = kAclSlow | kAclConnection;

CommandSpec Subcommand(std::string name, int arity, CommandHandler handler, CommandDoc doc,
                       std::vector<std::string_view> tips = {}) {
  return {.name = std::move(name),
          .arity = arity,
          .flags = kIntrospectionFlags,
          .categories = kIntrospectionCategories,
          .handler = handler,
          .tips = std::move(tips),
          .doc = std::move(doc)};
}

}  // namespace

void RegisterIntrospectionCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  std::vector<CommandSpec> subcommands;
  subcommands.push_back(Subcommand("count", 2, CmdCommandCount,
                                   {"Returns the number of commands.", "2.8.13", "server", "O(1)",
                                    {}}));
  subcommands.push_back(Subcommand(
      "info", -2, CmdCommandInfo,
      {"Returns details about commands.", "2.8.13", "server",
       "O(N) where N is the number of commands to look up",
       {{"command-name", "string", {}, A::kOptional | A::kMultiple}},
       {{"7.0.0", "Without arguments, describes every command."}}},
      {"nondeterministic_output_order"}));
  subcommands.push_back(Subcommand(
      "docs", -2, CmdCommandDocs,
      {"Returns documentation about commands.", "7.0.0", "server",
       "O(N) where N is the number of commands to look up",
       {{"command-name", "string", {}, A::kOptional | A::kMultiple}}},
      {"nondeterministic_output_order"}));
  subcommands.push_back(Subcommand(
      "list", -2, CmdCommandList,
      {"Returns the names of commands, optionally filtered.", "7.0.0", "server",
       "O(N) where N is the total number of Redis commands",
       {{"filterby", "oneof", "FILTERBY", A::kOptional,
         {{"module-name", "string", "MODULE"},
          {"category", "string", "ACLCAT"},
          {"pattern", "pattern", "PATTERN"}}}}},
      {"nondeterministic_output_order"}));
  subcommands.push_back(Subcommand(
      "getkeys", -4, CmdCommandGetKeys,
      {"Extracts the key names from a full command line.", "2.8.13", "server",
       "O(N) where N is the number of arguments to the command", {}}));
  subcommands.push_back(Subcommand(
      "help", 2, CmdCommandHelp,
      {"Shows help on the COMMAND subcommands.", "5.0.0", "server", "O(1)", {}}));
  registry.Register({.name = "command",
                     .arity = -1,
                     .flags = kIntrospectionFlags,
                     .categories = kIntrospectionCategories,
                     .handler = CmdCommand,
                     .tips = {"nondeterministic_output_order"},
                     .doc = {"Returns details about every command.", "2.8.13", "server",
                             "O(N) where N is the total number of Redis commands", {}},
                     .subcommands = std::move(subcommands)});
}

}  // namespace ferrite
