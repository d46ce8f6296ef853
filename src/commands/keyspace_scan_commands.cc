// Keyspace family, the commands over whole databases: DBSIZE, KEYS, SCAN, RANDOMKEY,
// FLUSHDB, FLUSHALL, SWAPDB. They run on every shard at once (each walks its log with
// LogStore::Scan, store/keyspace_walk.h) and reply when the last shard has answered.
// Their cost is the log's size (docs/compatibility.md).
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "commands/command_args.h"
#include "commands/error_replies.h"
#include "commands/key_commands.h"
#include "commands/key_dispatch.h"
#include "commands/keyspace_cursor.h"
#include "commands/reply_writers.h"
#include "commands/server_api.h"
#include "store/keyspace_walk.h"
#include "util/glob_match.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

// SCAN's default COUNT, as in Redis.
constexpr int64_t kDefaultScanCount = 10;

// Runs `work` on every shard (in no particular order, concurrently) and, once each has
// called its `answer`, replies with `finish(answers in shard order)`. `finish` runs on
// the thread of the last shard to answer: it must only combine the answers.
template <typename T>
void OnEveryShard(CommandContext& ctx,
                  std::function<void(uint32_t index, KeyspaceShard&, std::function<void(T)>)> work,
                  std::function<ReplyWriter(std::vector<T>)> finish, uint32_t first_shard = 0) {
  KeyspaceRouter& router = ctx.server.keyspace_router();
  struct State {
    std::mutex mutex;
    std::vector<T> answers;
    size_t remaining = 0;
    std::function<ReplyWriter(std::vector<T>)> finish;
    DeferredReply deferred;
  };
  const uint32_t shards = router.shard_count();
  auto state = std::make_shared<State>();
  state->answers.resize(shards - first_shard);
  state->remaining = shards - first_shard;
  state->finish = std::move(finish);
  state->deferred = ctx.connection.Defer();
  for (uint32_t shard = first_shard; shard < shards; ++shard) {
    router.RunOnShard(
        shard, {},
        [state, work, shard, first_shard](KeyspaceShard& keyspace, KeyGate::Release release) {
          // No keys are held: the walk sees each key as it is when the
          // walk reaches it (the store's scan makes that safe).
          release();
          work(shard, keyspace, [state, shard, first_shard](T answer) {
            std::vector<T> answers;
            {
              std::lock_guard<std::mutex> lock(state->mutex);
              state->answers[shard - first_shard] = std::move(answer);
              if (--state->remaining > 0) return;
              answers = std::move(state->answers);
            }
            state->deferred.Complete(state->finish(std::move(answers)));
          });
        });
  }
}

// A shard's count of keys or its error.
struct Count {
  Status status;
  int64_t keys = 0;
};

ReplyWriter SumWriter(const std::vector<Count>& counts) {
  int64_t total = 0;
  for (const Count& count : counts) {
    if (!count.status.ok()) return ErrorWriter(count.status);
    total += count.keys;
  }
  return IntegerWriter(total);
}

// FLUSHDB / FLUSHALL take an optional ASYNC or SYNC (both behave as SYNC: the keys are
// gone when the reply is written).
bool ParseFlushMode(CommandContext& ctx) {
  if (ctx.args.size() > 2 || (ctx.args.size() == 2 && !IsKeyword(ctx.args[1], "async") &&
                              !IsKeyword(ctx.args[1], "sync"))) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  return true;
}

struct ScanRequest {
  uint64_t cursor = 0;
  std::optional<std::string> pattern;
  std::optional<std::string> type;
  int64_t count = kDefaultScanCount;
};

// Redis's parsing: the cursor as strtoull reads it (so "" is 0 and "-1" wraps), then
// MATCH, COUNT and TYPE in any order, repeated ones overriding.
std::optional<ScanRequest> ParseScanOrReply(CommandContext& ctx) {
  ScanRequest request;
  const std::string cursor(ctx.args[1]);
  errno = 0;
  char* end = nullptr;
  request.cursor = std::strtoull(cursor.c_str(), &end, 10);
  if ((!cursor.empty() && std::isspace(static_cast<unsigned char>(cursor[0]))) || *end != '\0' ||
      static_cast<size_t>(end - cursor.c_str()) != cursor.size() || errno == ERANGE) {
    ctx.reply.Error("ERR invalid cursor");
    return std::nullopt;
  }
  for (size_t i = 2; i < ctx.args.size(); i += 2) {
    if (i + 1 >= ctx.args.size()) {
      ctx.reply.Error(kErrSyntax);
      return std::nullopt;
    }
    const std::string_view value = ctx.args[i + 1];
    if (IsKeyword(ctx.args[i], "count")) {
      std::optional<int64_t> count = ParseStrictInt64(value);
      if (!count) {
        ctx.reply.Error(kErrNotInteger);
        return std::nullopt;
      }
      if (*count < 1) {
        ctx.reply.Error(kErrSyntax);
        return std::nullopt;
      }
      request.count = *count;
    } else if (IsKeyword(ctx.args[i], "match")) {
      request.pattern = std::string(value);
    } else if (IsKeyword(ctx.args[i], "type")) {
      request.type = std::string(value);
    } else {
      ctx.reply.Error(kErrSyntax);
      return std::nullopt;
    }
  }
  return request;
}

// What one shard's step of a SCAN found.
struct ScanPart {
  Status status;
  std::vector<std::string> keys;
  LogAddress next = 0;
  bool reached_tail = false;
};

}  // namespace

void CmdDbSize(CommandContext& ctx) {
  const int db = SessionDb(ctx);
  OnEveryShard<Count>(
      ctx,
      [db](uint32_t, KeyspaceShard& shard, std::function<void(Count)> answer) {
        auto keys = std::make_shared<int64_t>(0);
        WalkDatabase(
            shard, db,
            [keys](std::vector<std::string> batch, std::function<void()> next) {
              *keys += static_cast<int64_t>(batch.size());
              next();
            },
            [keys, answer](Status status) {
              answer(Count{std::move(status), *keys});
            });
      },
      [](std::vector<Count> counts) { return SumWriter(counts); });
}

void CmdKeys(CommandContext& ctx) {
  const int db = SessionDb(ctx);
  struct Keys {
    Status status;
    std::vector<std::string> keys;
  };
  OnEveryShard<Keys>(
      ctx,
      [db, pattern = std::string(ctx.args[1])](uint32_t, KeyspaceShard& shard,
                                               std::function<void(Keys)> answer) {
        auto found = std::make_shared<std::vector<std::string>>();
        const bool all = pattern == "*";
        WalkDatabase(
            shard, db,
            [found, pattern, all](std::vector<std::string> batch, std::function<void()> next) {
              for (std::string& key : batch) {
                if (all || GlobMatch(pattern, key)) found->push_back(std::move(key));
              }
              next();
            },
            [found, answer](Status status) {
              answer(Keys{std::move(status), std::move(*found)});
            });
      },
      [](std::vector<Keys> parts) -> ReplyWriter {
        auto keys = std::make_shared<std::vector<std::string>>();
        for (Keys& part : parts) {
          if (!part.status.ok()) return ErrorWriter(part.status);
          for (std::string& key : part.keys) keys->push_back(std::move(key));
        }
        return [keys](protocol::ReplyBuilder& reply) {
          reply.ArrayHeader(keys->size());
          for (const std::string& key : *keys) reply.Bulk(key);
        };
      });
}

void CmdScan(CommandContext& ctx) {
  std::optional<ScanRequest> request = ParseScanOrReply(ctx);
  if (!request) return;
  const uint32_t shards = ctx.server.keyspace_router().shard_count();
  const KeyspaceCursor start = DecodeKeyspaceCursor(request->cursor);
  if (start.shard >= shards) {
    // Not a cursor this server handed out: the iteration is over.
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("0");
    ctx.reply.ArrayHeader(0);
    return;
  }
  const int db = SessionDb(ctx);
  const auto budget = static_cast<size_t>(std::min<int64_t>(request->count, 1 << 20));
  // Every shard from the cursor's on takes a step at once; the reply uses them in
  // order up to the first that did not reach its tail, so that a COUNT larger than the
  // keyspace returns everything in one call, as Redis does.
  OnEveryShard<ScanPart>(
      ctx,
      [db, budget, start](uint32_t index, KeyspaceShard& shard,
                          std::function<void(ScanPart)> answer) {
        const LogAddress from = index == start.shard ? start.address : 0;
        ScanDatabaseStep(shard, db, from, budget, [answer](Result<KeyspaceStep> step) {
          if (!step.ok()) return answer(ScanPart{.status = step.status()});
          answer(ScanPart{.status = Status::Ok(),
                          .keys = std::move(step->keys),
                          .next = step->next,
                          .reached_tail = step->reached_tail});
        });
      },
      [request = *std::move(request), start, shards](std::vector<ScanPart> parts) -> ReplyWriter {
        auto keys = std::make_shared<std::vector<std::string>>();
        uint64_t next_cursor = 0;
        const bool type_matches = !request.type || strcasecmp(request.type->c_str(), "string") == 0;
        for (size_t i = 0; i < parts.size(); ++i) {
          ScanPart& part = parts[i];
          if (!part.status.ok()) return ErrorWriter(part.status);
          for (std::string& key : part.keys) {
            if (!type_matches) continue;
            if (request.pattern && !GlobMatch(*request.pattern, key)) continue;
            keys->push_back(std::move(key));
          }
          const uint32_t shard = start.shard + static_cast<uint32_t>(i);
          if (!part.reached_tail) {
            next_cursor = EncodeKeyspaceCursor({.shard = shard, .address = part.next});
            break;
          }
          // The next shard from its begin, or 0 after the last shard: the end.
          next_cursor =
              shard + 1 < shards ? EncodeKeyspaceCursor({.shard = shard + 1, .address = 0}) : 0;
        }
        return [keys, next_cursor](protocol::ReplyBuilder& reply) {
          reply.ArrayHeader(2);
          reply.Bulk(std::to_string(next_cursor));
          reply.ArrayHeader(keys->size());
          for (const std::string& key : *keys) reply.Bulk(key);
        };
      },
      start.shard);
}

void CmdRandomKey(CommandContext& ctx) {
  const int db = SessionDb(ctx);
  // Each shard samples one of its keys uniformly (reservoir sampling over its walk);
  // the reply picks a shard's sample with the weight of its key count, so every key is
  // equally likely.
  struct Sample {
    Status status;
    int64_t keys = 0;
    std::string key;
  };
  OnEveryShard<Sample>(
      ctx,
      [db](uint32_t, KeyspaceShard& shard, std::function<void(Sample)> answer) {
        auto sample = std::make_shared<Sample>();
        auto random = std::make_shared<std::mt19937_64>(std::random_device{}());
        WalkDatabase(
            shard, db,
            [sample, random](std::vector<std::string> batch, std::function<void()> next) {
              for (std::string& key : batch) {
                ++sample->keys;
                if (std::uniform_int_distribution<int64_t>(0, sample->keys - 1)(*random) == 0) {
                  sample->key = std::move(key);
                }
              }
              next();
            },
            [sample, answer](Status status) {
              sample->status = std::move(status);
              answer(std::move(*sample));
            });
      },
      [](std::vector<Sample> samples) -> ReplyWriter {
        int64_t total = 0;
        for (const Sample& sample : samples) {
          if (!sample.status.ok()) return ErrorWriter(sample.status);
          total += sample.keys;
        }
        if (total == 0) return BulkOrNullWriter(std::nullopt);
        std::mt19937_64 random(std::random_device{}());
        int64_t pick = std::uniform_int_distribution<int64_t>(0, total - 1)(random);
        for (Sample& sample : samples) {
          if (pick < sample.keys) return BulkOrNullWriter(std::move(sample.key));
          pick -= sample.keys;
        }
        return BulkOrNullWriter(std::nullopt);
      });
}

void CmdFlushDb(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  const int db = SessionDb(ctx);
  // Every key of the database that is live when the walk reaches it gets a tombstone;
  // a key written before FLUSHDB is live then or was deleted already, so none survives.
  // Keys written while FLUSHDB runs may survive (they are concurrent with it).
  OnEveryShard<Count>(
      ctx,
      [db](uint32_t, KeyspaceShard& shard, std::function<void(Count)> answer) {
        auto error = std::make_shared<Status>();
        WalkDatabase(
            shard, db,
            [&shard, db, error](std::vector<std::string> batch, std::function<void()> next) {
              if (batch.empty()) return next();
              auto remaining = std::make_shared<size_t>(batch.size());
              for (const std::string& key : batch) {
                shard.Erase(db, key, [error, remaining, next](Result<bool> erased) {
                  if (!erased.ok() && error->ok()) *error = erased.status();
                  if (--*remaining == 0) next();
                });
              }
            },
            [error, answer](Status status) {
              answer(Count{status.ok() ? *error : std::move(status), 0});
            });
      },
      [](std::vector<Count> counts) -> ReplyWriter {
        for (const Count& count : counts) {
          if (!count.status.ok()) return ErrorWriter(count.status);
        }
        return OkWriter();
      });
}

void CmdFlushAll(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  // Every database goes, so each shard drops its whole index and log at once.
  OnEveryShard<Count>(
      ctx,
      [](uint32_t, KeyspaceShard& shard, std::function<void(Count)> answer) {
        shard.store().Clear([answer](Status status) { answer(Count{std::move(status), 0}); });
      },
      [](std::vector<Count> counts) -> ReplyWriter {
        for (const Count& count : counts) {
          if (!count.status.ok()) return ErrorWriter(count.status);
        }
        return OkWriter();
      });
}

void CmdSwapDb(CommandContext& ctx) {
  std::optional<int64_t> first = ParseStrictInt64(ctx.args[1]);
  if (!first || *first < INT32_MIN || *first > INT32_MAX) {
    return ctx.reply.Error("ERR invalid first DB index");
  }
  std::optional<int64_t> second = ParseStrictInt64(ctx.args[2]);
  if (!second || *second < INT32_MIN || *second > INT32_MAX) {
    return ctx.reply.Error("ERR invalid second DB index");
  }
  const int databases = ctx.server.databases();
  if (*first < 0 || *first >= databases || *second < 0 || *second >= databases) {
    return ctx.reply.Error(kErrDbIndex);
  }
  if (*first == *second) return ctx.reply.Ok();
  DeferredReply deferred = ctx.connection.Defer();
  ctx.server.keyspace_router().SwapDatabases(
      static_cast<int>(*first), static_cast<int>(*second),
      [deferred = std::move(deferred)](Status status) mutable {
        deferred.Complete(status.ok() ? OkWriter() : ErrorWriter(std::move(status)));
      });
}

}  // namespace ferrite
