// How a data command runs its store work on the shards of its keys (ADR 0012) and gets
// its reply back to the client: written at once when the work finished on the client's
// own thread before the handler returned (the usual case for a key of this thread's
// shard held in memory), through a DeferredReply otherwise.
//
// Handlers parse their arguments first and capture what the work needs by value: the
// arguments are views into the client's buffer, gone once the handler returns.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/keyspace_router.h"
#include "store/keyspace_shard.h"

namespace ferrite {

using ReplyWriter = DeferredReply::Writer;
// Delivers the reply. Call exactly once, on the shard thread, once the work's effects
// are applied: the work's keys are released first.
using Respond = std::function<void(ReplyWriter)>;

// Work on one key's shard, holding the key.
using KeyWork = std::function<void(KeyspaceShard& shard, Respond respond)>;

// The stored database of the client's selected database, and of database `db`
// (SWAPDB's map, KeyspaceRouter::StoredDb), read when a command is dispatched: work
// captures the stored number, so a swap never changes the database of work in flight.
int SessionDb(CommandContext& ctx);
int StoredDb(CommandContext& ctx, int db);

// Runs `work` on the shard of `key` (in the client's selected database).
void RunOnKey(CommandContext& ctx, std::string_view key, KeyWork work);

// A command over several keys, atomic across shards. `keys[i]` lives in database
// `dbs[i]`. It runs in steps: for each shard that holds some of the keys,
// `step(shard, indexes, done)` runs there (indexes into `keys`), calling done() once;
// when every shard has, `proceed(step_number)` decides on the client's thread whether
// the next step runs. Finally `finish()` runs on the client's thread and returns the
// reply. Every key is held from before the first step until after finish(), so no
// other command sees a state between steps. Steps of different shards run
// concurrently: each must touch only its own indexes of anything shared.
using KeysStep = std::function<void(KeyspaceShard& shard, const std::vector<size_t>& indexes,
                                    std::function<void()> done)>;
struct KeysPlan {
  std::vector<KeysStep> steps;
  std::function<bool(size_t step)> proceed;  // null: every step runs
  std::function<ReplyWriter()> finish;
};
void RunOnKeys(CommandContext& ctx, std::vector<std::string> keys, std::vector<int> dbs,
               KeysPlan plan);
// One step, every key in the client's selected database.
void RunOnKeys(CommandContext& ctx, std::vector<std::string> keys, KeysStep step,
               std::function<ReplyWriter()> finish);

}  // namespace ferrite
