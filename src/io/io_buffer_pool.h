// A pool of equal, O_DIRECT-aligned buffers carved from one mapping, so that an engine
// can register them with the kernel once (io_uring fixed buffers) and tell in O(1)
// whether a request's memory lies inside one of them. Owner thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ferrite/status.h"

namespace ferrite {

class IoBufferPool;

// One buffer taken from a pool; gives it back when destroyed.
class IoBuffer {
 public:
  IoBuffer() = default;
  IoBuffer(IoBuffer&& other) noexcept { *this = std::move(other); }
  IoBuffer& operator=(IoBuffer&& other) noexcept;
  ~IoBuffer() { Release(); }

  explicit operator bool() const { return pool_ != nullptr; }
  std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<std::byte> span() const { return {data_, size_}; }
  int index() const { return index_; }
  void Release();

 private:
  friend class IoBufferPool;
  IoBuffer(IoBufferPool* pool, std::byte* data, size_t size, int index)
      : pool_(pool), data_(data), size_(size), index_(index) {}
  IoBufferPool* pool_ = nullptr;
  std::byte* data_ = nullptr;
  size_t size_ = 0;
  int index_ = -1;
};

class IoBufferPool {
 public:
  static constexpr size_t kAlignment = 4096;

  // `buffer_size` is rounded up to kAlignment. Startup only: fails when memory can't
  // be mapped.
  static Result<std::unique_ptr<IoBufferPool>> Create(uint32_t count, size_t buffer_size);
  ~IoBufferPool();
  IoBufferPool(const IoBufferPool&) = delete;
  IoBufferPool& operator=(const IoBufferPool&) = delete;

  // An empty IoBuffer when all are taken (callers then use memory of their own).
  IoBuffer Acquire();

  // The buffer index holding [data, data + length), or -1 when the range is not
  // entirely inside one buffer of this pool.
  int IndexOf(const void* data, size_t length) const {
    auto address = reinterpret_cast<uintptr_t>(data);
    auto base = reinterpret_cast<uintptr_t>(base_);
    if (address < base || address >= base + count_ * buffer_size_) return -1;
    size_t index = (address - base) / buffer_size_;
    if (address + length > base + (index + 1) * buffer_size_) return -1;
    return static_cast<int>(index);
  }

  uint32_t count() const { return count_; }
  size_t buffer_size() const { return buffer_size_; }
  uint32_t available() const { return static_cast<uint32_t>(free_.size()); }
  std::byte* buffer_data(int index) const { return base_ + index * buffer_size_; }

 private:
  friend class IoBuffer;
  IoBufferPool(std::byte* base, uint32_t count, size_t buffer_size);
  void Give(int index) { free_.push_back(index); }

  std::byte* base_;
  uint32_t count_;
  size_t buffer_size_;
  std::vector<int> free_;
};

// Memory aligned for O_DIRECT, outside any pool (page buffers, test data).
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t size, size_t alignment = IoBufferPool::kAlignment);
  AlignedBuffer(AlignedBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~AlignedBuffer();

  std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<std::byte> span() const { return {data_, size_}; }

 private:
  std::byte* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ferrite
