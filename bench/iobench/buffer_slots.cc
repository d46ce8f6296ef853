#include "buffer_slots.h"

namespace ferrite::iobench {

BufferSlots::BufferSlots(IoBufferPool& pool, size_t count, size_t slot_size)
    : slot_size_(slot_size) {
  size_t per_buffer = pool.buffer_size() / slot_size;
  while (slots_.size() < count && per_buffer > 0) {
    IoBuffer buffer = pool.Acquire();
    if (!buffer) break;
    for (size_t i = 0; i < per_buffer && slots_.size() < count; ++i) {
      slots_.push_back(buffer.data() + i * slot_size);
    }
    taken_.push_back(std::move(buffer));
  }
  pooled_ = slots_.size();
  if (slots_.size() < count) {
    fallback_ = AlignedBuffer((count - slots_.size()) * slot_size);
    for (size_t i = 0; slots_.size() < count; ++i) {
      slots_.push_back(fallback_.data() + i * slot_size);
    }
  }
}

}  // namespace ferrite::iobench
