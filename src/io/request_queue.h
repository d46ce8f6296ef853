// An intrusive FIFO of requests linked through IoRequest::engine.next: queuing never
// allocates. Not thread-safe; owners guard it as they need.
#pragma once

#include <cstddef>

#include "io/io_request.h"

namespace ferrite {

class RequestQueue {
 public:
  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }
  IoRequest* front() const { return head_; }

  void PushBack(IoRequest* request) {
    request->engine.next = nullptr;
    if (tail_ == nullptr) {
      head_ = request;
    } else {
      tail_->engine.next = request;
    }
    tail_ = request;
    ++size_;
  }
  void PushFront(IoRequest* request) {
    request->engine.next = head_;
    head_ = request;
    if (tail_ == nullptr) tail_ = request;
    ++size_;
  }
  IoRequest* PopFront() {
    IoRequest* request = head_;
    if (request == nullptr) return nullptr;
    head_ = request->engine.next;
    if (head_ == nullptr) tail_ = nullptr;
    request->engine.next = nullptr;
    --size_;
    return request;
  }
  // Moves every request of `other` to the back of this queue.
  void Splice(RequestQueue& other) {
    if (other.empty()) return;
    if (tail_ == nullptr) {
      head_ = other.head_;
    } else {
      tail_->engine.next = other.head_;
    }
    tail_ = other.tail_;
    size_ += other.size_;
    other.head_ = other.tail_ = nullptr;
    other.size_ = 0;
  }

 private:
  IoRequest* head_ = nullptr;
  IoRequest* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ferrite
