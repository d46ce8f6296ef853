#include "bench_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "io/io_buffer_pool.h"
#include "offset_generator.h"

namespace ferrite::iobench {
namespace {

constexpr size_t kFillChunk = size_t{1} << 20;

// A file is reusable when it has the size asked for and every block is allocated.
bool IsReusable(const std::string& path, uint64_t size) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return static_cast<uint64_t>(st.st_size) == size &&
         static_cast<uint64_t>(st.st_blocks) * 512 >= size;
}

Status WriteRandomFile(const std::string& partial, uint64_t size, bool direct) {
  int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (direct ? O_DIRECT : 0);
  ScopedFd fd(open(partial.c_str(), flags, 0644));
  if (fd.get() < 0) {
    return Status::FromErrno(errno, direct ? "open with O_DIRECT " + partial : "open " + partial);
  }
  AlignedBuffer chunk(kFillChunk);
  SplitMix64 random(size ^ 0x5eed);
  for (uint64_t done = 0; done < size;) {
    auto* words = reinterpret_cast<uint64_t*>(chunk.data());
    for (size_t i = 0; i < kFillChunk / sizeof(uint64_t); ++i) words[i] = random.Next();
    size_t want = static_cast<size_t>(std::min<uint64_t>(kFillChunk, size - done));
    ssize_t n = pwrite(fd.get(), chunk.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::FromErrno(n < 0 ? errno : EIO, "write " + partial);
    done += static_cast<uint64_t>(n);
  }
  if (fsync(fd.get()) != 0) return Status::FromErrno(errno, "fsync " + partial);
  return Status::Ok();
}

// Fills `path` under a temporary name and renames it into place when complete.
Status CreateRandomFile(const std::string& path, uint64_t size, bool direct) {
  std::string partial = path + ".partial";
  std::fprintf(stderr, "ferrite-iobench: writing %llu MiB of random data to %s\n",
               static_cast<unsigned long long>(size >> 20), path.c_str());
  Status written = WriteRandomFile(partial, size, direct);
  if (written.ok() && rename(partial.c_str(), path.c_str()) != 0) {
    written = Status::FromErrno(errno, "rename " + partial);
  }
  if (!written.ok()) unlink(partial.c_str());
  return written;
}

}  // namespace

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) close(fd_);
}

Result<ScopedFd> OpenFilledFile(const std::string& path, uint64_t size, bool direct) {
  if (size == 0 || size % IoBufferPool::kAlignment != 0) {
    return Status::InvalidArgument("file sizes must be a positive multiple of 4096");
  }
  if (!IsReusable(path, size)) {
    Status written = CreateRandomFile(path, size, direct);
    if (!written.ok()) return written;
  }
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | (direct ? O_DIRECT : 0));
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  return ScopedFd(fd);
}

Status WarmPageCache(int fd, uint64_t size) {
  std::vector<char> chunk(kFillChunk);
  for (uint64_t done = 0; done < size;) {
    ssize_t n = pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "reading the cached file");
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace ferrite::iobench
