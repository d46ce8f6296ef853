// Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX/XX/GT/LT), TTL, PTTL,
// EXPIRETIME, PEXPIRETIME, PERSIST. A key's expiry lives in its record, so changing it
// rewrites the record with the same value.
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "commands/command_args.h"
#include "commands/expiry_args.h"
#include "commands/key_commands.h"
#include "commands/key_dispatch.h"
#include "commands/reply_writers.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

struct ExpireCondition {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
};

Result<ExpireCondition> ParseExpireCondition(std::span<const std::string_view> options) {
  ExpireCondition condition;
  for (std::string_view option : options) {
    if (IsKeyword(option, "nx")) {
      condition.nx = true;
    } else if (IsKeyword(option, "xx")) {
      condition.xx = true;
    } else if (IsKeyword(option, "gt")) {
      condition.gt = true;
    } else if (IsKeyword(option, "lt")) {
      condition.lt = true;
    } else {
      return Status::InvalidArgument("ERR Unsupported option " + std::string(UntilNul(option)));
    }
  }
  if (condition.nx && (condition.xx || condition.gt || condition.lt)) {
    return Status::InvalidArgument(
        "ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (condition.gt && condition.lt) {
    return Status::InvalidArgument("ERR GT and LT options at the same time are not compatible");
  }
  return condition;
}

// Whether the condition lets an expiry of `when` replace `current` (nullopt: none; GT
// counts no expiry as infinite, LT as infinite too).
bool ConditionHolds(const ExpireCondition& condition, std::optional<int64_t> current,
                    int64_t when) {
  if (condition.nx && current) return false;
  if (condition.xx && !current) return false;
  if (condition.gt && (!current || when <= *current)) return false;
  if (condition.lt && current && when >= *current) return false;
  return true;
}

// EXPIRE and its relatives: `unit` of the argument, and whether it is relative to now.
void Expire(CommandContext& ctx, TimeUnit unit, bool relative, std::string_view command) {
  Result<ExpireCondition> condition = ParseExpireCondition(ctx.args.subspan(3));
  if (!condition.ok()) return ReplyStatusError(ctx.reply, condition.status());
  std::optional<int64_t> value = ParseStrictInt64(ctx.args[2]);
  if (!value) return ctx.reply.Error(kErrNotInteger);
  // Negative times are allowed (the key goes at once); only overflow is refused.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  int64_t when = *value;
  if (unit == TimeUnit::kSeconds) {
    if (when > kMax / 1000 || when < kMin / 1000) {
      return ReplyStatusError(ctx.reply, InvalidExpireTime(command));
    }
    when *= 1000;
  }
  const int64_t now = UnixNowMs();
  if (relative) {
    if (when > kMax - now) return ReplyStatusError(ctx.reply, InvalidExpireTime(command));
    when += now;
  }
  const int db = SessionDb(ctx);
  RunOnKey(ctx, ctx.args[1],
           [db, key = std::string(ctx.args[1]), condition = *condition, when, now](
               KeyspaceShard& shard, Respond respond) {
             shard.Get(db, key,
                       [&shard, db, key, condition, when, now, respond](Result<StoredEntry> found) {
                         Lookup lookup = ToLookup(std::move(found));
                         if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
                         if (!*lookup) return respond(IntegerWriter(0));
                         StoredEntry& entry = **lookup;
                         if (!ConditionHolds(condition, entry.expiry_ms, when)) {
                           return respond(IntegerWriter(0));
                         }
                         if (when <= now) {
                           return shard.Erase(db, key, [respond](Result<bool> erased) {
                             respond(erased.ok() ? IntegerWriter(1) : ErrorWriter(erased.status()));
                           });
                         }
                         shard.Put(db, key, entry.value, when, [respond](Status status) {
                           respond(status.ok() ? IntegerWriter(1) : ErrorWriter(status));
                         });
                       });
           });
}

// TTL and its relatives: -2 for a missing key, -1 for one without expiry, else the
// time left (or the expiry itself, `absolute`), rounded to seconds unless `millis`.
void Ttl(CommandContext& ctx, bool millis, bool absolute) {
  const int db = SessionDb(ctx);
  const int64_t now = UnixNowMs();
  RunOnKey(ctx, ctx.args[1],
           [db, key = std::string(ctx.args[1]), millis, absolute, now](KeyspaceShard& shard,
                                                                       Respond respond) {
             shard.Get(db, key, [millis, absolute, now, respond](Result<StoredEntry> found) {
               Lookup lookup = ToLookup(std::move(found));
               if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
               if (!*lookup) return respond(IntegerWriter(-2));
               const std::optional<int64_t> expiry = (*lookup)->expiry_ms;
               if (!expiry) return respond(IntegerWriter(-1));
               int64_t ttl = absolute ? *expiry : *expiry - now;
               if (ttl < 0) ttl = 0;
               respond(IntegerWriter(millis ? ttl : (ttl + 500) / 1000));
             });
           });
}

}  // namespace

void CmdExpire(CommandContext& ctx) { Expire(ctx, TimeUnit::kSeconds, true, "expire"); }

void CmdPExpire(CommandContext& ctx) { Expire(ctx, TimeUnit::kMilliseconds, true, "pexpire"); }

void CmdExpireAt(CommandContext& ctx) { Expire(ctx, TimeUnit::kSeconds, false, "expireat"); }

void CmdPExpireAt(CommandContext& ctx) { Expire(ctx, TimeUnit::kMilliseconds, false, "pexpireat"); }

void CmdTtl(CommandContext& ctx) { Ttl(ctx, false, false); }

void CmdPTtl(CommandContext& ctx) { Ttl(ctx, true, false); }

void CmdExpireTime(CommandContext& ctx) { Ttl(ctx, false, true); }

void CmdPExpireTime(CommandContext& ctx) { Ttl(ctx, true, true); }

void CmdPersist(CommandContext& ctx) {
  const int db = SessionDb(ctx);
  RunOnKey(ctx, ctx.args[1],
           [db, key = std::string(ctx.args[1])](KeyspaceShard& shard, Respond respond) {
             shard.Get(db, key, [&shard, db, key, respond](Result<StoredEntry> found) {
               Lookup lookup = ToLookup(std::move(found));
               if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
               if (!*lookup || !(*lookup)->expiry_ms) return respond(IntegerWriter(0));
               shard.Put(db, key, (*lookup)->value, std::nullopt, [respond](Status status) {
                 respond(status.ok() ? IntegerWriter(1) : ErrorWriter(status));
               });
             });
           });
}

}  // namespace ferrite
