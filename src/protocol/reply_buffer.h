// The bytes of replies waiting to be written to a client: a FIFO of chunks that grows
// without copying what it already holds, and keeps one chunk when drained so that a
// steady request/reply exchange allocates nothing.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>

namespace ferrite::protocol {

class ReplyBuffer {
 public:
  static constexpr size_t kChunkSize = 16 * 1024;

  ReplyBuffer() = default;
  ReplyBuffer(const ReplyBuffer&) = delete;
  ReplyBuffer& operator=(const ReplyBuffer&) = delete;

  void Append(std::string_view bytes) {
    if (!chunks_.empty()) {
      Chunk& tail = chunks_.back();
      if (tail.capacity - tail.end >= bytes.size()) {
        std::memcpy(tail.data.get() + tail.end, bytes.data(), bytes.size());
        tail.end += bytes.size();
        size_ += bytes.size();
        return;
      }
    }
    AppendSlow(bytes);
  }

  // Bytes waiting to be written.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes of memory held, for the output-buffer limits and CLIENT LIST's omem.
  size_t allocated() const { return allocated_; }
  // Chunks holding data (Redis's "oll", the reply list length).
  size_t chunk_count() const { return chunks_.size(); }

  // Describes up to `max_iov` pending pieces, at most `max_bytes` in all, for writev().
  int PrepareWrite(struct iovec* iov, int max_iov, size_t max_bytes) const;
  // Drops `bytes` written bytes from the front. REQUIRES: bytes <= size().
  void Consume(size_t bytes);
  // Drops everything (the client is going away or asked for no replies).
  void Clear();

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t capacity = 0;
    size_t begin = 0;  // first unsent byte
    size_t end = 0;    // one past the last byte
  };

  void AppendSlow(std::string_view bytes);

  std::deque<Chunk> chunks_;
  size_t size_ = 0;
  size_t allocated_ = 0;
};

}  // namespace ferrite::protocol
