#include "io/io_file.h"

#include <fcntl.h>
#include <linux/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace ferrite {
namespace {

constexpr uint32_t kDefaultDirectAlignment = 4096;

// Direct-I/O alignment as the kernel reports it; {0, 0} when it does not (before 6.1,
// or a filesystem without the information). Called through syscall() because the C
// library's struct statx may predate the fields.
std::pair<uint32_t, uint32_t> QueryDirectAlignment(int fd) {
  struct statx info {};
  long rc = syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &info);
  if (rc != 0 || (info.stx_mask & STATX_DIOALIGN) == 0) return {0, 0};
  return {info.stx_dio_mem_align, info.stx_dio_offset_align};
}

}  // namespace

IoFile& IoFile::operator=(IoFile&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    direct_ = other.direct_;
    memory_alignment_ = other.memory_alignment_;
    offset_alignment_ = other.offset_alignment_;
    path_ = std::move(other.path_);
  }
  return *this;
}

IoFile::~IoFile() { Close(); }

void IoFile::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

Result<IoFile> IoFile::Open(const std::string& path, int flags, mode_t mode, bool direct_io) {
  IoFile file;
  file.path_ = path;
  flags |= O_CLOEXEC;
  if (direct_io) {
    file.fd_ = open(path.c_str(), flags | O_DIRECT, mode);
    // EINVAL: this filesystem has no direct I/O; fall back to the page cache.
    if (file.fd_ < 0 && errno != EINVAL) return Status::FromErrno(errno, "open " + path);
    file.direct_ = file.fd_ >= 0;
  }
  if (file.fd_ < 0) {
    file.fd_ = open(path.c_str(), flags, mode);
    if (file.fd_ < 0) return Status::FromErrno(errno, "open " + path);
  }
  if (file.direct_) {
    auto [memory, offset] = QueryDirectAlignment(file.fd_);
    file.memory_alignment_ = memory != 0 ? memory : kDefaultDirectAlignment;
    file.offset_alignment_ = offset != 0 ? offset : kDefaultDirectAlignment;
  }
  return file;
}

Result<uint64_t> IoFile::Size() const {
  off_t end = lseek(fd_, 0, SEEK_END);
  if (end < 0) return Status::FromErrno(errno, "size of " + path_);
  return static_cast<uint64_t>(end);
}

Status IoFile::Truncate(uint64_t size) {
  if (ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return Status::FromErrno(errno, "truncate " + path_);
  }
  return Status::Ok();
}

}  // namespace ferrite
