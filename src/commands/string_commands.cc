// Strings family: GET, SET and its variants, MGET/MSET/MSETNX, APPEND, STRLEN, GETRANGE,
// SETRANGE, the INCR family, INCRBYFLOAT, LCS. Handlers parse their arguments in Redis's
// order (so the first error is Redis's), then run the value operation
// (string_values.h) on the key's shard, keeping the key's expiry unless the command
// says otherwise.
#include "commands/string_commands.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/command_args.h"
#include "commands/error_replies.h"
#include "commands/expiry_args.h"
#include "commands/key_dispatch.h"
#include "commands/lcs_values.h"
#include "commands/reply_writers.h"
#include "commands/string_values.h"
#include "commands/value_access.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

using protocol::ReplyBuilder;

// SET and its relatives: stores `value` with `options` (NX/XX conditions, GET, expiry or
// KEEPTTL). `plain_reply` is the reply when GET was not asked for: it gets whether the
// value was stored.
void SetString(CommandContext& ctx, std::string_view key, std::string_view value,
               SetOptions options, std::function<ReplyWriter(bool stored)> plain_reply) {
  const int db = SessionDb(ctx);
  RunOnKey(ctx, key,
           [db, key = std::string(key), value = std::string(value), options,
            plain_reply = std::move(plain_reply)](KeyspaceShard& shard, Respond respond) {
             auto store = [&shard, db, key, value, options, plain_reply,
                           respond](std::optional<StoredEntry> old) {
               const bool found = old.has_value();
               std::optional<std::string> old_value;
               if (old) old_value = std::move(old->value);
               auto reply = [&](bool stored) {
                 return options.get ? BulkOrNullWriter(old_value) : plain_reply(stored);
               };
               if ((options.nx && found) || (options.xx && !found)) return respond(reply(false));
               std::optional<int64_t> expiry = options.expiry_ms;
               if (options.keep_ttl && old) expiry = old->expiry_ms;
               shard.Put(db, key, value, expiry, [respond, writer = reply(true)](Status status) {
                 respond(status.ok() ? writer : ErrorWriter(status));
               });
             };
             if (!options.nx && !options.xx && !options.get && !options.keep_ttl) {
               return store(std::nullopt);  // a blind write: no read needed
             }
             shard.Get(db, key, [store, respond](Result<StoredEntry> found) {
               Lookup lookup = ToLookup(std::move(found));
               if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
               store(std::move(*lookup));
             });
           });
}

ReplyWriter OkOrNull(bool stored) { return stored ? OkWriter() : BulkOrNullWriter(std::nullopt); }

void SetWithTtl(CommandContext& ctx, TimeUnit unit, std::string_view command) {
  auto expiry = ParseExpiryTime(ctx.args[2], unit, /*relative=*/true, command, UnixNowMs());
  if (!expiry.ok()) return ReplyStatusError(ctx.reply, expiry.status());
  SetOptions options;
  options.expiry_ms = *expiry;
  SetString(ctx, ctx.args[1], ctx.args[3], options, [](bool) { return OkWriter(); });
}

void IncrementCommand(CommandContext& ctx, int64_t delta) {
  ModifyString(ctx, ctx.args[1],
               [delta](std::optional<std::string_view> current) -> Result<Modification> {
                 Result<int64_t> value = IncrementBy(current, delta);
                 if (!value.ok()) return value.status();
                 return Modification{std::to_string(*value), IntegerWriter(*value)};
               });
}

}  // namespace

void CmdGet(CommandContext& ctx) {
  ReadString(ctx, ctx.args[1], [](std::optional<std::string_view> value) {
    return BulkOrNullWriter(value ? std::optional<std::string>(*value) : std::nullopt);
  });
}

void CmdSet(CommandContext& ctx) {
  auto options = ParseSetOptions(ctx.args.subspan(3), ExpiryCommand::kSet, "set", UnixNowMs());
  if (!options.ok()) return ReplyStatusError(ctx.reply, options.status());
  SetString(ctx, ctx.args[1], ctx.args[2], *options, OkOrNull);
}

void CmdSetNx(CommandContext& ctx) {
  SetOptions options;
  options.nx = true;
  SetString(ctx, ctx.args[1], ctx.args[2], options,
            [](bool stored) { return IntegerWriter(stored ? 1 : 0); });
}

void CmdSetEx(CommandContext& ctx) { SetWithTtl(ctx, TimeUnit::kSeconds, "setex"); }

void CmdPSetEx(CommandContext& ctx) { SetWithTtl(ctx, TimeUnit::kMilliseconds, "psetex"); }

void CmdGetSet(CommandContext& ctx) {
  SetOptions options;
  options.get = true;  // the new value has no expiry
  SetString(ctx, ctx.args[1], ctx.args[2], options, OkOrNull);
}

void CmdGetDel(CommandContext& ctx) {
  const int db = SessionDb(ctx);
  RunOnKey(ctx, ctx.args[1],
           [db, key = std::string(ctx.args[1])](KeyspaceShard& shard, Respond respond) {
             shard.Get(db, key, [&shard, db, key, respond](Result<StoredEntry> found) {
               Lookup lookup = ToLookup(std::move(found));
               if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
               if (!*lookup) return respond(BulkOrNullWriter(std::nullopt));
               shard.Erase(
                   db, key, [respond, value = std::move((*lookup)->value)](Result<bool> erased) {
                     respond(erased.ok() ? BulkOrNullWriter(value) : ErrorWriter(erased.status()));
                   });
             });
           });
}

void CmdGetEx(CommandContext& ctx) {
  const int64_t now = UnixNowMs();
  auto parsed = ParseSetOptions(ctx.args.subspan(2), ExpiryCommand::kGetEx, "getex", now);
  // Redis checks the options' syntax first, but the time only once it found the key: a
  // bad time on a missing key answers nil.
  if (!parsed.ok() && parsed.status().message() == kErrSyntax) {
    return ReplyStatusError(ctx.reply, parsed.status());
  }
  std::optional<Status> time_error;
  SetOptions options;
  if (parsed.ok()) {
    options = *parsed;
  } else {
    time_error = parsed.status();
  }
  const int db = SessionDb(ctx);
  RunOnKey(ctx, ctx.args[1],
           [db, key = std::string(ctx.args[1]), options, time_error, now](KeyspaceShard& shard,
                                                                          Respond respond) {
             shard.Get(
                 db, key,
                 [&shard, db, key, options, time_error, now, respond](Result<StoredEntry> found) {
                   Lookup lookup = ToLookup(std::move(found));
                   if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
                   if (!*lookup) return respond(BulkOrNullWriter(std::nullopt));
                   if (time_error) return respond(ErrorWriter(*time_error));
                   StoredEntry entry = std::move(**lookup);
                   ReplyWriter reply = BulkOrNullWriter(entry.value);
                   if (options.expiry_ms && *options.expiry_ms <= now) {
                     // Already past: the key goes, but the reply is still its value.
                     return shard.Erase(db, key, [respond, reply](Result<bool> erased) {
                       respond(erased.ok() ? reply : ErrorWriter(erased.status()));
                     });
                   }
                   std::optional<int64_t> expiry = entry.expiry_ms;
                   if (options.persist) expiry = std::nullopt;
                   if (options.expiry_ms) expiry = options.expiry_ms;
                   if (expiry == entry.expiry_ms) return respond(reply);
                   shard.Put(db, key, entry.value, expiry, [respond, reply](Status status) {
                     respond(status.ok() ? reply : ErrorWriter(status));
                   });
                 });
           });
}

void CmdMGet(CommandContext& ctx) {
  std::vector<std::string> keys(ctx.args.begin() + 1, ctx.args.end());
  auto values = std::make_shared<std::vector<Lookup>>(keys.size(), std::optional<StoredEntry>());
  auto names = std::make_shared<const std::vector<std::string>>(keys);
  RunOnKeys(ctx, std::move(keys), ReadEntries(SessionDb(ctx), names, values), [values] {
    return [values](ReplyBuilder& reply) {
      reply.ArrayHeader(values->size());
      for (const Lookup& lookup : *values) {
        // A key that could not be read (an I/O error) reads as missing, as MGET
        // replies nil for anything that is not a string.
        if (lookup.ok() && lookup->has_value()) {
          reply.Bulk((*lookup)->value);
        } else {
          reply.Null();
        }
      }
    };
  });
}

namespace {

// MSET and MSETNX: `only_if_none_exist` makes it MSETNX (nothing is written when any key
// exists, and the reply is 0 or 1).
void MultiSet(CommandContext& ctx, bool only_if_none_exist) {
  if (ctx.args.size() % 2 == 0) {
    return ctx.reply.Error(WrongArityError(only_if_none_exist ? "msetnx" : "mset"));
  }
  // The last value given for a key wins, as in Redis.
  auto names = std::make_shared<std::vector<std::string>>();
  auto values = std::make_shared<std::vector<std::string>>();
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2) {
    names->emplace_back(ctx.args[i]);
    values->emplace_back(ctx.args[i + 1]);
  }
  const int db = SessionDb(ctx);
  const size_t count = names->size();
  // MSETNX: per key, whether it exists (written by the key's shard in the first step).
  auto exists = std::make_shared<std::vector<char>>(count, 0);
  auto errors = std::make_shared<std::vector<Status>>(count);
  auto write = [db, names, values, errors](KeyspaceShard& shard, const std::vector<size_t>& indexes,
                                           std::function<void()> done) {
    auto remaining = std::make_shared<size_t>(indexes.size());
    for (size_t i : indexes) {
      // Later pairs for the same key overwrite earlier ones: writes apply in order.
      shard.Put(db, (*names)[i], (*values)[i], std::nullopt,
                [errors, i, remaining, done](Status status) {
                  (*errors)[i] = std::move(status);
                  if (--*remaining == 0) done();
                });
    }
  };
  auto first_error = [errors]() -> std::optional<Status> {
    for (const Status& status : *errors) {
      if (!status.ok()) return status;
    }
    return std::nullopt;
  };
  if (!only_if_none_exist) {
    RunOnKeys(ctx, *names, write, [first_error] {
      std::optional<Status> error = first_error();
      return error ? ErrorWriter(*error) : OkWriter();
    });
    return;
  }
  // MSETNX reads every key, then writes all of them or none: the keys of every shard
  // stay held from the reads to the writes, so the decision still holds when they land.
  auto read = [db, names, exists, errors](KeyspaceShard& shard, const std::vector<size_t>& indexes,
                                          std::function<void()> done) {
    auto remaining = std::make_shared<size_t>(indexes.size());
    for (size_t i : indexes) {
      shard.Get(db, (*names)[i], [exists, errors, i, remaining, done](Result<StoredEntry> found) {
        Lookup lookup = ToLookup(std::move(found));
        if (!lookup.ok()) {
          (*errors)[i] = lookup.status();
        } else {
          (*exists)[i] = lookup->has_value() ? 1 : 0;
        }
        if (--*remaining == 0) done();
      });
    }
  };
  auto none_exist = [exists] {
    return std::none_of(exists->begin(), exists->end(), [](char found) { return found != 0; });
  };
  std::vector<int> dbs(count, db);
  RunOnKeys(ctx, *names, std::move(dbs),
            KeysPlan{.steps = {read, write},
                     .proceed = [first_error,
                                 none_exist](size_t) { return !first_error() && none_exist(); },
                     .finish =
                         [first_error, none_exist] {
                           std::optional<Status> error = first_error();
                           if (error) return ErrorWriter(*error);
                           return IntegerWriter(none_exist() ? 1 : 0);
                         }});
}

}  // namespace

void CmdMSet(CommandContext& ctx) { MultiSet(ctx, false); }

void CmdMSetNx(CommandContext& ctx) { MultiSet(ctx, true); }

void CmdAppend(CommandContext& ctx) {
  ModifyString(ctx, ctx.args[1],
               [suffix = std::string(ctx.args[2])](
                   std::optional<std::string_view> current) -> Result<Modification> {
                 Result<std::string> value = Append(current, suffix);
                 if (!value.ok()) return value.status();
                 const int64_t length = static_cast<int64_t>(value->size());
                 return Modification{std::move(value).value(), IntegerWriter(length)};
               });
}

void CmdStrLen(CommandContext& ctx) {
  ReadString(ctx, ctx.args[1], [](std::optional<std::string_view> value) {
    return IntegerWriter(StringLength(value));
  });
}

void CmdGetRange(CommandContext& ctx) {
  Result<IndexRange> range = ParseIndexRange(ctx.args[2], ctx.args[3]);
  if (!range.ok()) return ReplyStatusError(ctx.reply, range.status());
  ReadString(ctx, ctx.args[1], [range = *range](std::optional<std::string_view> value) {
    return BulkOrNullWriter(std::string(GetRange(value, range)));
  });
}

void CmdSetRange(CommandContext& ctx) {
  Result<int64_t> offset = ParseSetRangeOffset(ctx.args[2]);
  if (!offset.ok()) return ReplyStatusError(ctx.reply, offset.status());
  ModifyString(ctx, ctx.args[1],
               [offset = *offset, bytes = std::string(ctx.args[3])](
                   std::optional<std::string_view> current) -> Result<Modification> {
                 Result<SetRangeResult> result = SetRange(current, offset, bytes);
                 if (!result.ok()) return result.status();
                 return Modification{std::move(result->value), IntegerWriter(result->length)};
               });
}

void CmdIncr(CommandContext& ctx) { IncrementCommand(ctx, 1); }

void CmdDecr(CommandContext& ctx) { IncrementCommand(ctx, -1); }

void CmdIncrBy(CommandContext& ctx) {
  Result<int64_t> delta = ParseIncrement(ctx.args[2]);
  if (!delta.ok()) return ReplyStatusError(ctx.reply, delta.status());
  IncrementCommand(ctx, *delta);
}

void CmdDecrBy(CommandContext& ctx) {
  Result<int64_t> delta = ParseDecrement(ctx.args[2]);
  if (!delta.ok()) return ReplyStatusError(ctx.reply, delta.status());
  IncrementCommand(ctx, *delta);
}

void CmdIncrByFloat(CommandContext& ctx) {
  ModifyString(ctx, ctx.args[1],
               [increment = std::string(ctx.args[2])](
                   std::optional<std::string_view> current) -> Result<Modification> {
                 Result<std::string> value = IncrementByFloat(current, increment);
                 if (!value.ok()) return value.status();
                 ReplyWriter reply = BulkOrNullWriter(*value);
                 return Modification{std::move(value).value(), std::move(reply)};
               });
}

void CmdLcs(CommandContext& ctx) {
  std::vector<std::string> keys = {std::string(ctx.args[1]), std::string(ctx.args[2])};
  std::vector<std::string> options(ctx.args.begin() + 3, ctx.args.end());
  auto values = std::make_shared<std::vector<Lookup>>(2, std::optional<StoredEntry>());
  auto names = std::make_shared<const std::vector<std::string>>(keys);
  RunOnKeys(ctx, std::move(keys), ReadEntries(SessionDb(ctx), names, values),
            [values, options = std::move(options)]() -> ReplyWriter {
              for (const Lookup& lookup : *values) {
                if (!lookup.ok()) return ErrorWriter(lookup.status());
              }
              std::vector<std::string_view> words(options.begin(), options.end());
              Result<LcsOptions> parsed = ParseLcsOptions(words);
              if (!parsed.ok()) return ErrorWriter(parsed.status());
              auto text = [&](size_t i) {
                return (*values)[i]->has_value() ? std::string_view((*(*values)[i])->value)
                                                 : std::string_view();
              };
              Result<LcsResult> result = Lcs(text(0), text(1), *parsed);
              if (!result.ok()) return ErrorWriter(result.status());
              return [result = std::move(result).value(),
                      with_len = parsed->with_match_len](ReplyBuilder& reply) {
                switch (result.reply) {
                  case LcsResult::Reply::kString:
                    reply.Bulk(result.lcs);
                    return;
                  case LcsResult::Reply::kLength:
                    reply.Integer(result.length);
                    return;
                  case LcsResult::Reply::kMatches:
                    break;
                }
                reply.MapHeader(2);
                reply.Bulk("matches");
                reply.ArrayHeader(result.matches.size());
                for (const LcsMatch& match : result.matches) {
                  reply.ArrayHeader(with_len ? 3 : 2);
                  reply.ArrayHeader(2);
                  reply.Integer(match.a_start);
                  reply.Integer(match.a_end);
                  reply.ArrayHeader(2);
                  reply.Integer(match.b_start);
                  reply.Integer(match.b_end);
                  if (with_len) reply.Integer(match.length);
                }
                reply.Bulk("len");
                reply.Integer(result.length);
              };
            });
}

}  // namespace ferrite
