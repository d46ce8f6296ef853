#include "io/io_buffer_pool.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdlib>
#include <new>

namespace ferrite {

IoBuffer& IoBuffer::operator=(IoBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    index_ = std::exchange(other.index_, -1);
  }
  return *this;
}

void IoBuffer::Release() {
  if (pool_ != nullptr) pool_->Give(index_);
  pool_ = nullptr;
  data_ = nullptr;
  size_ = 0;
  index_ = -1;
}

Result<std::unique_ptr<IoBufferPool>> IoBufferPool::Create(uint32_t count, size_t buffer_size) {
  buffer_size = (buffer_size + kAlignment - 1) / kAlignment * kAlignment;
  if (buffer_size == 0) buffer_size = kAlignment;
  std::byte* base = nullptr;
  if (count > 0) {
    void* mapped = mmap(nullptr, count * buffer_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return Status::FromErrno(errno, "mmap of the I/O buffer pool");
    base = static_cast<std::byte*>(mapped);
  }
  return std::unique_ptr<IoBufferPool>(new IoBufferPool(base, count, buffer_size));
}

IoBufferPool::IoBufferPool(std::byte* base, uint32_t count, size_t buffer_size)
    : base_(base), count_(count), buffer_size_(buffer_size) {
  free_.reserve(count);
  // Handed out from the front: the free list is a stack, so push in reverse.
  for (uint32_t i = count; i > 0; --i) free_.push_back(static_cast<int>(i - 1));
}

IoBufferPool::~IoBufferPool() {
  if (base_ != nullptr) munmap(base_, count_ * buffer_size_);
}

IoBuffer IoBufferPool::Acquire() {
  if (free_.empty()) return IoBuffer();
  int index = free_.back();
  free_.pop_back();
  return IoBuffer(this, buffer_data(index), buffer_size_, index);
}

AlignedBuffer::AlignedBuffer(size_t size, size_t alignment) : size_(size) {
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  data_ = static_cast<std::byte*>(std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded));
  if (data_ == nullptr) throw std::bad_alloc();
}

AlignedBuffer::~AlignedBuffer() { std::free(data_); }

}  // namespace ferrite
