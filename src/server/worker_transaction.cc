#include "server/worker_transaction.h"

#include <mutex>
#include <utility>

#include "server/server.h"
#include "server/worker.h"

namespace ferrite {

WorkerTransaction::WorkerTransaction(Server& server, Worker& origin,
                                     std::vector<TransactionPart> parts)
    : server_(server), origin_(origin), parts_(std::move(parts)), releases_(parts_.size()) {}

void WorkerTransaction::Run(Step step, std::function<void()> then) {
  then_ = std::move(then);
  remaining_.store(parts_.size(), std::memory_order_release);
  auto self = shared_from_this();
  auto part_done = [self] { self->PartDone(); };
  if (holding_) {
    for (size_t i = 0; i < parts_.size(); ++i) {
      Worker& owner = server_.worker(parts_[i].shard);
      owner.loop().Post([&owner, i, step, part_done] {
        // No keyspace: the server is stopping, and the client goes with it.
        if (owner.keyspace() != nullptr) step(i, *owner.keyspace(), part_done);
      });
    }
    return;
  }
  holding_ = true;
  // Posted even to this thread's own loop: the order of the loop's queue is the
  // transaction order on this shard.
  std::unique_lock<std::mutex> order;
  if (parts_.size() > 1) order = std::unique_lock<std::mutex>(server_.transaction_order_mutex());
  for (size_t i = 0; i < parts_.size(); ++i) {
    Worker& owner = server_.worker(parts_[i].shard);
    owner.loop().Post([self, &owner, i, step, part_done] {
      owner.RunOnLocalShard(
          self->parts_[i].keys,
          [self, i, step, part_done](KeyspaceShard& shard, KeyGate::Release release) {
            self->releases_[i] = std::move(release);
            step(i, shard, part_done);
          });
    });
  }
}

void WorkerTransaction::PartDone() {
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  auto self = shared_from_this();
  origin_.loop().Post([self] {
    std::function<void()> then = std::move(self->then_);
    then();
  });
}

void WorkerTransaction::Finish() {
  auto self = shared_from_this();
  for (size_t i = 0; i < parts_.size(); ++i) {
    Worker& owner = server_.worker(parts_[i].shard);
    owner.loop().Post([self, i] {
      if (self->releases_[i]) self->releases_[i]();
    });
  }
}

}  // namespace ferrite
