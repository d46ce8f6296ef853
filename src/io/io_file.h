// A file opened for the IoEngine: log segments, checkpoints and the AOF. With direct I/O
// asked for, the file bypasses the page cache (O_DIRECT) where its filesystem allows it,
// and says which alignment its buffers, offsets and lengths then need. Where the
// filesystem refuses O_DIRECT (tmpfs), the file is opened buffered and says so: the log
// still works, through the page cache.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "ferrite/status.h"

namespace ferrite {

class IoFile {
 public:
  IoFile() = default;
  IoFile(IoFile&& other) noexcept { *this = std::move(other); }
  IoFile& operator=(IoFile&& other) noexcept;
  ~IoFile();

  // `flags` are open(2)'s (O_CLOEXEC is added); O_DIRECT is added when `direct_io`.
  static Result<IoFile> Open(const std::string& path, int flags, mode_t mode, bool direct_io);

  int fd() const { return fd_; }
  bool direct() const { return direct_; }
  // Alignment of memory, and of offsets and lengths, that O_DIRECT transfers on this
  // file need (1 when the file is buffered). From statx(STATX_DIOALIGN) where the
  // kernel reports it (Linux 6.1), else 4096, which every block device accepts.
  uint32_t memory_alignment() const { return memory_alignment_; }
  uint32_t offset_alignment() const { return offset_alignment_; }
  const std::string& path() const { return path_; }

  Result<uint64_t> Size() const;
  // Sets the size (truncating or extending with zeros).
  Status Truncate(uint64_t size);
  void Close();

 private:
  int fd_ = -1;
  bool direct_ = false;
  uint32_t memory_alignment_ = 1;
  uint32_t offset_alignment_ = 1;
  std::string path_;
};

}  // namespace ferrite
