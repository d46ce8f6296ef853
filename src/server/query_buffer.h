// A client's unprocessed input: bytes read from its socket that no request has
// consumed yet. One contiguous array, so the parser's argument views are plain
// pointers into it; it grows to fit a large argument in one piece and is released
// once drained, so an idle client holds little memory.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace ferrite {

class QueryBuffer {
 public:
  static constexpr size_t kDefaultCapacity = 16 * 1024;

  std::string_view data() const { return {buffer_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }
  // Free space after the data, without moving anything.
  size_t writable() const { return capacity_ - end_; }
  // The largest size() seen since the last call (CLIENT LIST's rbp, INFO's peaks).
  size_t TakePeak() {
    size_t peak = peak_;
    peak_ = size();
    return peak;
  }

  // Ensures writable() >= bytes. May move the data: views taken before are invalid.
  void Reserve(size_t bytes) {
    if (writable() >= bytes) return;
    size_t used = size();
    if (begin_ > 0 && capacity_ - used >= bytes) {
      std::memmove(buffer_.get(), buffer_.get() + begin_, used);
    } else {
      size_t capacity = capacity_ == 0 ? kDefaultCapacity : capacity_;
      while (capacity - used < bytes) capacity *= 2;
      auto grown = std::make_unique_for_overwrite<char[]>(capacity);
      if (used > 0) std::memcpy(grown.get(), buffer_.get() + begin_, used);
      buffer_ = std::move(grown);
      capacity_ = capacity;
    }
    begin_ = 0;
    end_ = used;
  }
  char* write_position() { return buffer_.get() + end_; }
  // Records `bytes` written at write_position(). REQUIRES: bytes <= writable()
  void Commit(size_t bytes) {
    end_ += bytes;
    if (size() > peak_) peak_ = size();
  }
  // Drops `bytes` from the front. REQUIRES: bytes <= size()
  void Consume(size_t bytes) {
    begin_ += bytes;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Gives memory back once drained, when it grew past the default for a large request.
  void ReleaseIfDrained() {
    if (empty() && capacity_ > kDefaultCapacity) {
      buffer_.reset();
      capacity_ = 0;
    }
  }
  void Clear() { begin_ = end_ = 0; }

 private:
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
  size_t peak_ = 0;
};

}  // namespace ferrite
