// WorkerTransaction: a ShardTransaction over the workers' shards (ADR 0012). The first
// step of every part is posted to its shard's loop under the server's transaction-order
// mutex, so every shard queues transactions in the same order; each part then waits in
// its shard's KeyGate for its keys and holds them until Finish(). A wait can only be
// for a request that is earlier on that shard, hence earlier in the global order (or a
// single-shard request, which waits for nothing else): no cycle, no deadlock.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "commands/keyspace_router.h"

namespace ferrite {

class Server;
class Worker;

class WorkerTransaction final : public ShardTransaction,
                                public std::enable_shared_from_this<WorkerTransaction> {
 public:
  // `origin`: the worker whose thread began it, where `then` callbacks run.
  WorkerTransaction(Server& server, Worker& origin, std::vector<TransactionPart> parts);

  void Run(Step step, std::function<void()> then) override;
  void Finish() override;

 private:
  void PartDone();

  Server& server_;
  Worker& origin_;
  const std::vector<TransactionPart> parts_;
  // releases_[i] is written and used on part i's shard thread only.
  std::vector<KeyGate::Release> releases_;
  bool holding_ = false;  // origin thread: the first Run has been issued
  // Written by Run() on the origin thread before the steps are posted; called by the
  // thread that completes the last part (after it posts to the origin).
  std::function<void()> then_;
  std::atomic<size_t> remaining_{0};
};

}  // namespace ferrite
