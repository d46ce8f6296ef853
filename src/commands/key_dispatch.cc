#include "commands/key_dispatch.h"

#include <map>
#include <memory>
#include <utility>

#include "commands/server_api.h"

namespace ferrite {
namespace {

// Where a reply goes: straight into the client's reply while its handler is still
// running (work on the handler's own thread that finished at once), else the
// deferred reply taken when the handler returned or before work left the thread.
struct ReplySlot {
  protocol::ReplyBuilder* direct = nullptr;
  DeferredReply deferred;
  bool responded = false;

  void Deliver(ReplyWriter writer) {
    responded = true;
    if (direct != nullptr) {
      writer(*direct);
    } else {
      deferred.Complete(std::move(writer));
    }
  }
};

// Called at the end of a handler whose work stayed on its thread: from now on the
// reply must be deferred.
void DeferIfPending(CommandContext& ctx, ReplySlot& slot) {
  slot.direct = nullptr;
  if (!slot.responded) slot.deferred = ctx.connection.Defer();
}

}  // namespace

int SessionDb(CommandContext& ctx) { return ctx.server.keyspace_router().StoredDb(ctx.session.db); }

int StoredDb(CommandContext& ctx, int db) { return ctx.server.keyspace_router().StoredDb(db); }

void RunOnKey(CommandContext& ctx, std::string_view key, KeyWork work) {
  KeyspaceRouter& router = ctx.server.keyspace_router();
  const uint32_t shard = router.ShardOf(key);
  const bool local = shard == router.local_shard();
  auto slot = std::make_shared<ReplySlot>();
  if (local) {
    slot->direct = &ctx.reply;
  } else {
    slot->deferred = ctx.connection.Defer();  // before the work can finish elsewhere
  }
  router.RunOnShard(
      shard, {KeyspaceShard::StoredKey(SessionDb(ctx), key)},
      [slot, work = std::move(work)](KeyspaceShard& keyspace, KeyGate::Release release) {
        work(keyspace, [slot, release](ReplyWriter writer) {
          release();
          slot->Deliver(std::move(writer));
        });
      });
  if (local) DeferIfPending(ctx, *slot);
}

void RunOnKeys(CommandContext& ctx, std::vector<std::string> keys, KeysStep step,
               std::function<ReplyWriter()> finish) {
  std::vector<int> dbs(keys.size(), SessionDb(ctx));
  RunOnKeys(ctx, std::move(keys), std::move(dbs),
            KeysPlan{.steps = {std::move(step)}, .proceed = nullptr, .finish = std::move(finish)});
}

namespace {

// The steps of a plan on this thread's own shard, one after the other, then finish().
struct LocalPlanRun : std::enable_shared_from_this<LocalPlanRun> {
  KeysPlan plan;
  std::vector<size_t> indexes;
  std::shared_ptr<ReplySlot> slot;
  KeyspaceShard* shard = nullptr;
  KeyGate::Release release;

  void RunStep(size_t step) {
    auto self = shared_from_this();
    plan.steps[step](*shard, indexes, [self, step] {
      const bool more =
          step + 1 < self->plan.steps.size() && (!self->plan.proceed || self->plan.proceed(step));
      if (more) return self->RunStep(step + 1);
      ReplyWriter writer = self->plan.finish();
      self->release();
      self->slot->Deliver(std::move(writer));
    });
  }
};

// The same over a ShardTransaction.
struct TransactionPlanRun : std::enable_shared_from_this<TransactionPlanRun> {
  KeysPlan plan;
  std::shared_ptr<std::vector<std::vector<size_t>>> part_indexes;
  std::shared_ptr<ShardTransaction> transaction;
  std::shared_ptr<DeferredReply> deferred;

  void RunStep(size_t step) {
    auto self = shared_from_this();
    transaction->Run(
        [self, step](size_t part, KeyspaceShard& shard, std::function<void()> done) {
          self->plan.steps[step](shard, (*self->part_indexes)[part], std::move(done));
        },
        [self, step] {
          const bool more = step + 1 < self->plan.steps.size() &&
                            (!self->plan.proceed || self->plan.proceed(step));
          if (more) return self->RunStep(step + 1);
          ReplyWriter writer = self->plan.finish();
          self->transaction->Finish();
          self->transaction.reset();  // it holds this run's steps: break the cycle
          self->deferred->Complete(std::move(writer));
        });
  }
};

}  // namespace

void RunOnKeys(CommandContext& ctx, std::vector<std::string> keys, std::vector<int> dbs,
               KeysPlan plan) {
  KeyspaceRouter& router = ctx.server.keyspace_router();
  // Parts in shard order; each part's indexes in key order.
  std::map<uint32_t, std::vector<size_t>> by_shard;
  for (size_t i = 0; i < keys.size(); ++i) by_shard[router.ShardOf(keys[i])].push_back(i);

  std::vector<TransactionPart> parts;
  auto part_indexes = std::make_shared<std::vector<std::vector<size_t>>>();
  for (auto& [shard, indexes] : by_shard) {
    TransactionPart part{.shard = shard, .keys = {}};
    for (size_t i : indexes) part.keys.push_back(KeyspaceShard::StoredKey(dbs[i], keys[i]));
    parts.push_back(std::move(part));
    part_indexes->push_back(std::move(indexes));
  }

  if (parts.size() == 1 && parts[0].shard == router.local_shard()) {
    // One shard, this thread's: its key gate alone makes the plan atomic.
    auto run = std::make_shared<LocalPlanRun>();
    run->plan = std::move(plan);
    run->indexes = std::move((*part_indexes)[0]);
    run->slot = std::make_shared<ReplySlot>();
    run->slot->direct = &ctx.reply;
    std::shared_ptr<ReplySlot> slot = run->slot;
    router.RunOnShard(parts[0].shard, std::move(parts[0].keys),
                      [run](KeyspaceShard& shard, KeyGate::Release release) {
                        run->shard = &shard;
                        run->release = std::move(release);
                        run->RunStep(0);
                      });
    DeferIfPending(ctx, *slot);
    return;
  }

  auto run = std::make_shared<TransactionPlanRun>();
  run->plan = std::move(plan);
  run->part_indexes = std::move(part_indexes);
  run->deferred = std::make_shared<DeferredReply>(ctx.connection.Defer());
  run->transaction = router.BeginTransaction(std::move(parts));
  run->RunStep(0);
}

}  // namespace ferrite
