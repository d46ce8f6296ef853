// KeyGate: the key locks of one shard (ADR 0012). Work that names a set of keys runs once
// no earlier work holds or waits for any of them, and holds them until it releases, so
// that a read-then-write on a key is atomic however long its disk reads take, and work on
// one key runs in the order it arrived. Cross-shard transactions take their keys through
// the gates of every shard they touch, in one global order, so waits never form a cycle.
//
// Shard thread only. Work that finishes before returning (the usual case: the records
// are in memory) costs no table entry: keys enter the table only while work on them is
// outstanding.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ferrite {

class KeyGate {
 public:
  // Ends a piece of work's hold on its keys. Call it exactly once, on the shard thread;
  // work waiting for those keys may run inside the call.
  class Release {
   public:
    Release() = default;
    void operator()() const;
    // False for a default-constructed Release.
    explicit operator bool() const { return request_ != nullptr; }

   private:
    friend class KeyGate;
    struct Request;
    Release(KeyGate* gate, std::shared_ptr<Request> request)
        : gate_(gate), request_(std::move(request)) {}

    KeyGate* gate_ = nullptr;
    std::shared_ptr<Request> request_;
  };
  using Work = std::function<void(Release)>;

  KeyGate() = default;
  KeyGate(const KeyGate&) = delete;
  KeyGate& operator=(const KeyGate&) = delete;

  // Runs `work` now when none of `keys` is held or waited for, else once every earlier
  // request for any of them has released. Duplicate keys are allowed.
  void Run(std::vector<std::string> keys, Work work);

  // Keys held or waited for.
  size_t busy_keys() const { return queues_.size(); }
  // Requests waiting (not yet running).
  size_t waiting() const { return waiting_; }

 private:
  using Request = Release::Request;

  void Start(const std::shared_ptr<Request>& request);
  // Puts running work at the front of its keys' queues.
  void List(const std::shared_ptr<Request>& request);
  void Finish(const std::shared_ptr<Request>& request);
  // Runs granted requests until none is left; see granted_.
  void RunGranted();

  // Per key, the requests for it in arrival order; the front one holds it. Queues are
  // short (they exist only while work on the key is outstanding).
  std::unordered_map<std::string, std::vector<std::shared_ptr<Request>>> queues_;
  // Work started at once whose call has not returned: it holds its keys without being
  // listed, so Run() called from inside it checks these too.
  std::vector<std::shared_ptr<Request>> running_unlisted_;
  // Requests whose keys all became free, to start in order: a release runs them from a
  // loop rather than recursively, so long queues do not grow the stack.
  std::deque<std::shared_ptr<Request>> granted_;
  bool running_granted_ = false;
  size_t waiting_ = 0;
};

}  // namespace ferrite
