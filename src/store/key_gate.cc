#include "store/key_gate.h"

#include <algorithm>
#include <cassert>

namespace ferrite {

struct KeyGate::Release::Request {
  std::vector<std::string> keys;  // sorted, no duplicates
  Work work;
  // Keys whose queue has an earlier request in front of this one.
  size_t blocked = 0;
  // Listed in queues_ (at the front of every key's queue once it runs). Work that
  // runs at once is listed only if it is still outstanding when it returns.
  bool listed = false;
  bool released = false;
};

void KeyGate::Release::operator()() const {
  assert(request_ != nullptr && !request_->released);
  request_->released = true;
  if (request_->listed) gate_->Finish(request_);
}

void KeyGate::Run(std::vector<std::string> keys, Work work) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto request = std::make_shared<Request>();
  request->keys = std::move(keys);
  request->work = std::move(work);

  // Work running right now but not listed yet (this call comes from inside it) holds
  // its keys too: list it, so that this request queues behind it.
  for (const std::shared_ptr<Request>& running : running_unlisted_) {
    if (running->listed) continue;
    bool overlaps = std::any_of(running->keys.begin(), running->keys.end(), [&](const auto& key) {
      return std::binary_search(request->keys.begin(), request->keys.end(), key);
    });
    if (overlaps) List(running);
  }

  bool free = true;
  if (!queues_.empty()) {
    for (const std::string& key : request->keys) {
      if (queues_.contains(key)) {
        free = false;
        break;
      }
    }
  }
  if (free) {
    Start(request);
    return;
  }
  request->listed = true;
  for (const std::string& key : request->keys) {
    std::vector<std::shared_ptr<Request>>& queue = queues_[key];
    if (!queue.empty()) ++request->blocked;
    queue.push_back(request);
  }
  ++waiting_;
}

void KeyGate::List(const std::shared_ptr<Request>& request) {
  request->listed = true;
  for (const std::string& key : request->keys) {
    std::vector<std::shared_ptr<Request>>& queue = queues_[key];
    // Nothing can wait for a key of unlisted work: Run() lists the work first.
    assert(queue.empty());
    queue.push_back(request);
  }
}

void KeyGate::Start(const std::shared_ptr<Request>& request) {
  Work work = std::move(request->work);
  const bool listed = request->listed;
  if (!listed) running_unlisted_.push_back(request);
  work(Release(this, request));
  if (!listed) {
    running_unlisted_.erase(std::find(running_unlisted_.begin(), running_unlisted_.end(), request));
    // Still outstanding (a disk read, a write waiting for the tail): hold the keys.
    if (!request->released && !request->listed) List(request);
  }
}

void KeyGate::Finish(const std::shared_ptr<Request>& request) {
  for (const std::string& key : request->keys) {
    auto it = queues_.find(key);
    assert(it != queues_.end() && it->second.front() == request);
    std::vector<std::shared_ptr<Request>>& queue = it->second;
    queue.erase(queue.begin());
    if (queue.empty()) {
      queues_.erase(it);
      continue;
    }
    const std::shared_ptr<Request>& next = queue.front();
    if (--next->blocked == 0) granted_.push_back(next);
  }
  RunGranted();
}

void KeyGate::RunGranted() {
  if (running_granted_) return;  // the loop further up the stack takes them
  running_granted_ = true;
  while (!granted_.empty()) {
    std::shared_ptr<Request> request = std::move(granted_.front());
    granted_.pop_front();
    --waiting_;
    Start(request);
  }
  running_granted_ = false;
}

}  // namespace ferrite
