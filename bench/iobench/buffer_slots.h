// Equal slots of I/O memory for the requests a workload keeps in flight, carved from the
// engine's buffer pool so that UringEngine issues them as fixed-buffer operations (the
// pool's buffers are larger than a 4 KiB slot: several slots share one). When the pool
// runs short the rest come from plain aligned memory.
#pragma once

#include <cstddef>
#include <vector>

#include "io/io_buffer_pool.h"

namespace ferrite::iobench {

class BufferSlots {
 public:
  // REQUIRES: the pool outlives this object (it belongs to the engine).
  BufferSlots(IoBufferPool& pool, size_t count, size_t slot_size = 4096);

  std::byte* slot(size_t index) const { return slots_[index]; }
  size_t slot_size() const { return slot_size_; }
  // Slots that lie inside the engine's pool.
  size_t pooled() const { return pooled_; }

 private:
  size_t slot_size_;
  size_t pooled_ = 0;
  std::vector<IoBuffer> taken_;
  AlignedBuffer fallback_;
  std::vector<std::byte*> slots_;
};

}  // namespace ferrite::iobench
