// The first error of a run whose operations complete on several threads (the Db's shard
// threads): later errors are dropped, and nobody waits, so a callback may report one.
#pragma once

#include <atomic>
#include <string>

#include "ferrite/status.h"

namespace ferrite::bench {

class FirstFailure {
 public:
  // Keeps `status`, with what was being done, when it is the first; never blocks.
  void Set(std::string context, Status status) {
    bool expected = false;
    if (claimed_.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      context_ = std::move(context);
      status_ = std::move(status);
      failed_.store(true, std::memory_order_release);
    }
  }
  // True once a failure was recorded (possibly a moment after Set() began).
  bool failed() const { return failed_.load(std::memory_order_acquire); }

  // The failure's status, its message prefixed with the context: "GET key:0000000042:
  // key not found". REQUIRES: failed(), and every operation that could call Set() has
  // finished.
  Status ToStatus() const;

 private:
  std::atomic<bool> claimed_{false};
  std::atomic<bool> failed_{false};
  std::string context_;
  Status status_;
};

}  // namespace ferrite::bench
