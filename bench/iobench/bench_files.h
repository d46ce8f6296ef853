// The files ferrite-iobench works on: a large data file opened with O_DIRECT for the disk
// rows, and a small one read through the page cache for the rows where software overhead
// is all there is. Both are filled with random bytes once (a sparse file would let the
// filesystem answer reads without touching the disk) and reused while their size fits.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "ferrite/status.h"

namespace ferrite::iobench {

// Owns a file descriptor.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~ScopedFd();

  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// Opens `path` for reading and writing, with O_DIRECT when `direct`. A missing file, or
// one of another size or with holes, is first written in full under a temporary name and
// renamed, so that an interrupted fill never leaves a file that looks ready. Progress
// goes to stderr.
Result<ScopedFd> OpenFilledFile(const std::string& path, uint64_t size, bool direct);

// Reads the whole file once through the page cache so that later reads find it there.
Status WarmPageCache(int fd, uint64_t size);

}  // namespace ferrite::iobench
