// Keyspace family, the commands on named keys: DEL, UNLINK, EXISTS, TYPE, TOUCH,
// RENAME, RENAMENX, COPY, MOVE. Commands over several keys run as one atomic step (or
// two: read, then write) across the keys' shards (key_dispatch.h).
#include "commands/key_commands.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/command_args.h"
#include "commands/key_dispatch.h"
#include "commands/reply_writers.h"
#include "commands/server_api.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

using Counts = std::vector<char>;

// Runs `per_key(shard, db, key, done(counted))` for every key in one atomic step and
// replies with how many were counted (a key named twice counts twice).
using PerKey = std::function<void(KeyspaceShard& shard, int db, const std::string& key,
                                  std::function<void(Result<bool>)> done)>;

void CountKeys(CommandContext& ctx, std::span<const std::string_view> key_args, PerKey per_key) {
  auto names = std::make_shared<std::vector<std::string>>(key_args.begin(), key_args.end());
  auto counted = std::make_shared<Counts>(names->size(), 0);
  auto errors = std::make_shared<std::vector<Status>>(names->size());
  const int db = SessionDb(ctx);
  RunOnKeys(
      ctx, *names,
      [db, names, counted, errors, per_key](
          KeyspaceShard& shard, const std::vector<size_t>& indexes, std::function<void()> done) {
        auto remaining = std::make_shared<size_t>(indexes.size());
        for (size_t i : indexes) {
          per_key(shard, db, (*names)[i], [counted, errors, i, remaining, done](Result<bool> hit) {
            if (hit.ok()) {
              (*counted)[i] = *hit ? 1 : 0;
            } else {
              (*errors)[i] = hit.status();
            }
            if (--*remaining == 0) done();
          });
        }
      },
      [counted, errors]() -> ReplyWriter {
        for (const Status& status : *errors) {
          if (!status.ok()) return ErrorWriter(status);
        }
        return IntegerWriter(std::count(counted->begin(), counted->end(), 1));
      });
}

void Exists(KeyspaceShard& shard, int db, const std::string& key,
            std::function<void(Result<bool>)> done) {
  shard.Get(db, key, [done](Result<StoredEntry> found) {
    Lookup lookup = ToLookup(std::move(found));
    if (!lookup.ok()) return done(lookup.status());
    done(lookup->has_value());
  });
}

// Moves or copies the value (with its expiry) of `source_db`/`source` to
// `target_db`/`target`. `overwrite`: replace an existing target (else reply 0);
// `remove_source`: RENAME and MOVE. `missing_source_error`: RENAME's "no such key"
// (the others reply 0). `reply_ok`: RENAME replies +OK, the others 1.
struct Transfer {
  int source_db = 0;
  std::string source;
  int target_db = 0;
  std::string target;
  bool overwrite = false;
  bool remove_source = false;
  bool missing_source_error = false;
  bool reply_ok = false;
};

void RunTransfer(CommandContext& ctx, Transfer transfer) {
  // Index 0: the source; index 1: the target.
  struct State {
    Transfer transfer;
    Lookup source = std::optional<StoredEntry>();
    Lookup target = std::optional<StoredEntry>();
    Status written;
  };
  auto state = std::make_shared<State>();
  state->transfer = std::move(transfer);
  auto read = [state](KeyspaceShard& shard, const std::vector<size_t>& indexes,
                      std::function<void()> done) {
    auto remaining = std::make_shared<size_t>(indexes.size());
    for (size_t i : indexes) {
      const Transfer& t = state->transfer;
      const int db = i == 0 ? t.source_db : t.target_db;
      const std::string& key = i == 0 ? t.source : t.target;
      shard.Get(db, key, [state, i, remaining, done](Result<StoredEntry> found) {
        (i == 0 ? state->source : state->target) = ToLookup(std::move(found));
        if (--*remaining == 0) done();
      });
    }
  };
  auto proceed = [state](size_t) {
    if (!state->source.ok() || !state->target.ok() || !state->source->has_value()) return false;
    return state->transfer.overwrite || !state->target->has_value();
  };
  auto write = [state](KeyspaceShard& shard, const std::vector<size_t>& indexes,
                       std::function<void()> done) {
    auto remaining = std::make_shared<size_t>(indexes.size());
    auto step_done = [state, remaining, done](Status status) {
      if (!status.ok() && state->written.ok()) state->written = std::move(status);
      if (--*remaining == 0) done();
    };
    for (size_t i : indexes) {
      const Transfer& t = state->transfer;
      if (i == 0) {
        if (!t.remove_source) {
          step_done(Status::Ok());
          continue;
        }
        shard.Erase(t.source_db, t.source, [step_done](Result<bool> erased) {
          step_done(erased.ok() ? Status::Ok() : erased.status());
        });
      } else {
        const StoredEntry& entry = **state->source;
        shard.Put(t.target_db, t.target, entry.value, entry.expiry_ms, step_done);
      }
    }
  };
  auto finish = [state]() -> ReplyWriter {
    const Transfer& t = state->transfer;
    if (!state->source.ok()) return ErrorWriter(state->source.status());
    if (!state->target.ok()) return ErrorWriter(state->target.status());
    if (!state->source->has_value()) {
      if (t.missing_source_error) return ErrorWriter(Status::InvalidArgument("ERR no such key"));
      return IntegerWriter(0);
    }
    if (!t.overwrite && state->target->has_value()) return IntegerWriter(0);
    if (!state->written.ok()) return ErrorWriter(state->written);
    return t.reply_ok ? OkWriter() : IntegerWriter(1);
  };
  std::vector<std::string> keys = {state->transfer.source, state->transfer.target};
  std::vector<int> dbs = {state->transfer.source_db, state->transfer.target_db};
  RunOnKeys(ctx, std::move(keys), std::move(dbs),
            KeysPlan{.steps = {read, write}, .proceed = proceed, .finish = finish});
}

void Rename(CommandContext& ctx, bool only_if_target_missing) {
  const int db = SessionDb(ctx);
  if (ctx.args[1] == ctx.args[2]) {
    // The same key: nothing moves; RENAME still needs it to exist.
    RunOnKey(ctx, ctx.args[1],
             [db, key = std::string(ctx.args[1]), only_if_target_missing](KeyspaceShard& shard,
                                                                          Respond respond) {
               Exists(shard, db, key, [only_if_target_missing, respond](Result<bool> found) {
                 if (!found.ok()) return respond(ErrorWriter(found.status()));
                 if (!*found)
                   return respond(ErrorWriter(Status::InvalidArgument("ERR no such key")));
                 respond(only_if_target_missing ? IntegerWriter(0) : OkWriter());
               });
             });
    return;
  }
  RunTransfer(ctx, Transfer{.source_db = db,
                            .source = std::string(ctx.args[1]),
                            .target_db = db,
                            .target = std::string(ctx.args[2]),
                            .overwrite = !only_if_target_missing,
                            .remove_source = true,
                            .missing_source_error = true,
                            .reply_ok = !only_if_target_missing});
}

// A database index argument: kErrNotInteger, then kErrDbIndex when out of range.
std::optional<int> ParseDbIndexOrReply(CommandContext& ctx, std::string_view arg) {
  std::optional<int64_t> index = ParseStrictInt64(arg);
  if (!index || *index < INT32_MIN || *index > INT32_MAX) {
    ctx.reply.Error(kErrNotInteger);
    return std::nullopt;
  }
  if (*index < 0 || *index >= ctx.server.databases()) {
    ctx.reply.Error(kErrDbIndex);
    return std::nullopt;
  }
  return static_cast<int>(*index);
}

}  // namespace

void CmdDel(CommandContext& ctx) {
  CountKeys(ctx, ctx.args.subspan(1),
            [](KeyspaceShard& shard, int db, const std::string& key,
               std::function<void(Result<bool>)> done) { shard.Erase(db, key, std::move(done)); });
}

void CmdExists(CommandContext& ctx) { CountKeys(ctx, ctx.args.subspan(1), Exists); }

void CmdTouch(CommandContext& ctx) { CountKeys(ctx, ctx.args.subspan(1), Exists); }

void CmdType(CommandContext& ctx) {
  const int db = SessionDb(ctx);
  RunOnKey(ctx, ctx.args[1],
           [db, key = std::string(ctx.args[1])](KeyspaceShard& shard, Respond respond) {
             Exists(shard, db, key, [respond](Result<bool> found) {
               if (!found.ok()) return respond(ErrorWriter(found.status()));
               respond([found = *found](protocol::ReplyBuilder& reply) {
                 reply.SimpleString(found ? "string" : "none");
               });
             });
           });
}

void CmdRename(CommandContext& ctx) { Rename(ctx, false); }

void CmdRenameNx(CommandContext& ctx) { Rename(ctx, true); }

void CmdCopy(CommandContext& ctx) {
  int target_db = ctx.session.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    if (IsKeyword(ctx.args[i], "replace")) {
      replace = true;
    } else if (IsKeyword(ctx.args[i], "db") && i + 1 < ctx.args.size()) {
      std::optional<int> db = ParseDbIndexOrReply(ctx, ctx.args[++i]);
      if (!db) return;
      target_db = *db;
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  if (target_db == ctx.session.db && ctx.args[1] == ctx.args[2]) {
    return ctx.reply.Error("ERR source and destination objects are the same");
  }
  RunTransfer(ctx, Transfer{.source_db = SessionDb(ctx),
                            .source = std::string(ctx.args[1]),
                            .target_db = StoredDb(ctx, target_db),
                            .target = std::string(ctx.args[2]),
                            .overwrite = replace});
}

void CmdMove(CommandContext& ctx) {
  std::optional<int64_t> index = ParseStrictInt64(ctx.args[2]);
  if (!index || *index < INT32_MIN || *index > INT32_MAX) return ctx.reply.Error(kErrNotInteger);
  if (*index < 0 || *index >= ctx.server.databases()) return ctx.reply.Error(kErrDbIndex);
  const int target_db = static_cast<int>(*index);
  if (target_db == ctx.session.db) {
    return ctx.reply.Error("ERR source and destination objects are the same");
  }
  RunTransfer(ctx, Transfer{.source_db = SessionDb(ctx),
                            .source = std::string(ctx.args[1]),
                            .target_db = StoredDb(ctx, target_db),
                            .target = std::string(ctx.args[1]),
                            .remove_source = true});
}

}  // namespace ferrite
