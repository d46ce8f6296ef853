#include "commands/value_access.h"

#include <utility>
#include <vector>

#include "commands/reply_writers.h"

namespace ferrite {

void ModifyString(CommandContext& ctx, std::string_view key, ModifyFunction update) {
  const int db = SessionDb(ctx);
  RunOnKey(ctx, key,
           [db, key = std::string(key), update = std::move(update)](KeyspaceShard& shard,
                                                                    Respond respond) {
             shard.Get(db, key, [&shard, db, key, update, respond](Result<StoredEntry> found) {
               Lookup lookup = ToLookup(std::move(found));
               if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
               Result<Modification> change = update(ValueOf(*lookup));
               if (!change.ok()) return respond(ErrorWriter(change.status()));
               if (!change->value) return respond(std::move(change->reply));
               const std::optional<int64_t> expiry = *lookup ? (*lookup)->expiry_ms : std::nullopt;
               shard.Put(db, key, *change->value, expiry,
                         [respond, reply = std::move(change->reply)](Status status) {
                           respond(status.ok() ? reply : ErrorWriter(status));
                         });
             });
           });
}

void ReadString(CommandContext& ctx, std::string_view key,
                std::function<ReplyWriter(std::optional<std::string_view>)> reply) {
  const int db = SessionDb(ctx);
  RunOnKey(ctx, key,
           [db, key = std::string(key), reply = std::move(reply)](KeyspaceShard& shard,
                                                                  Respond respond) {
             shard.Get(db, key, [reply, respond](Result<StoredEntry> found) {
               Lookup lookup = ToLookup(std::move(found));
               if (!lookup.ok()) return respond(ErrorWriter(lookup.status()));
               respond(reply(ValueOf(*lookup)));
             });
           });
}

KeysStep ReadEntries(int db, std::shared_ptr<const std::vector<std::string>> keys,
                     std::shared_ptr<std::vector<Lookup>> entries) {
  return [db, keys = std::move(keys), entries = std::move(entries)](
             KeyspaceShard& shard, const std::vector<size_t>& indexes, std::function<void()> done) {
    auto remaining = std::make_shared<size_t>(indexes.size());
    for (size_t i : indexes) {
      shard.Get(db, (*keys)[i], [entries, i, remaining, done](Result<StoredEntry> found) {
        (*entries)[i] = ToLookup(std::move(found));
        if (--*remaining == 0) done();
      });
    }
  };
}

}  // namespace ferrite
