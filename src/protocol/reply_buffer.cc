#include "protocol/reply_buffer.h"

#include <algorithm>
#include <cassert>

namespace ferrite::protocol {

void ReplyBuffer::AppendSlow(std::string_view bytes) {
  // Fill what is left of the tail chunk, then put the rest in one new chunk that is
  // large enough for it: a 100 MB bulk reply becomes one allocation, not 6,400.
  if (!chunks_.empty()) {
    Chunk& tail = chunks_.back();
    size_t room = tail.capacity - tail.end;
    std::memcpy(tail.data.get() + tail.end, bytes.data(), room);
    tail.end += room;
    size_ += room;
    bytes.remove_prefix(room);
  }
  Chunk chunk;
  chunk.capacity = std::max(kChunkSize, bytes.size());
  chunk.data = std::make_unique_for_overwrite<char[]>(chunk.capacity);
  std::memcpy(chunk.data.get(), bytes.data(), bytes.size());
  chunk.end = bytes.size();
  allocated_ += chunk.capacity;
  size_ += bytes.size();
  chunks_.push_back(std::move(chunk));
}

int ReplyBuffer::PrepareWrite(struct iovec* iov, int max_iov, size_t max_bytes) const {
  int count = 0;
  size_t total = 0;
  for (const Chunk& chunk : chunks_) {
    if (count == max_iov || total >= max_bytes) break;
    size_t length = std::min(chunk.end - chunk.begin, max_bytes - total);
    if (length == 0) continue;
    iov[count].iov_base = chunk.data.get() + chunk.begin;
    iov[count].iov_len = length;
    total += length;
    ++count;
  }
  return count;
}

void ReplyBuffer::Consume(size_t bytes) {
  assert(bytes <= size_);
  size_ -= bytes;
  while (bytes > 0) {
    Chunk& head = chunks_.front();
    size_t available = head.end - head.begin;
    size_t taken = std::min(available, bytes);
    head.begin += taken;
    bytes -= taken;
    if (head.begin == head.end) {
      if (chunks_.size() == 1 && head.capacity == kChunkSize) {
        head.begin = head.end = 0;  // keep one standard chunk for the next replies
      } else {
        allocated_ -= head.capacity;
        chunks_.pop_front();
      }
    }
  }
}

void ReplyBuffer::Clear() {
  chunks_.clear();
  size_ = 0;
  allocated_ = 0;
}

}  // namespace ferrite::protocol
