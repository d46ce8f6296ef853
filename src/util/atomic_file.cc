#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace ferrite {
namespace {

// Writes all of `text` to `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, std::string_view text, const std::string& path) {
  while (!text.empty()) {
    ssize_t written = write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "write " + path);
    }
    text.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

}  // namespace

Status SyncDirectory(const std::string& directory) {
  int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open directory " + directory);
  Status status;
  if (fsync(fd) != 0) status = Status::FromErrno(errno, "sync directory " + directory);
  close(fd);
  return status;
}

Status ReplaceFileAtomically(const std::string& directory, std::string_view name,
                             std::string_view contents) {
  const std::string path = directory + "/" + std::string(name);
  const std::string temporary = path + ".tmp";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "create " + temporary);
  Status status = WriteAll(fd, contents, temporary);
  if (status.ok() && fsync(fd) != 0) status = Status::FromErrno(errno, "sync " + temporary);
  close(fd);
  if (status.ok() && rename(temporary.c_str(), path.c_str()) != 0) {
    status = Status::FromErrno(errno, "rename " + temporary + " to " + path);
  }
  if (!status.ok()) {
    unlink(temporary.c_str());
    return status;
  }
  return SyncDirectory(directory);
}

Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Status::FromErrno(errno, "open " + path);
  }
  std::string text;
  Status status;
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    status = Status::FromErrno(errno, "stat " + path);
  } else if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    status = Status::Corruption(path + " holds " + std::to_string(info.st_size) +
                                " bytes, more than the " + std::to_string(max_bytes) + " expected");
  } else {
    // Read to the end, not to the size seen: the file may not be what fstat said.
    text.resize(static_cast<size_t>(info.st_size) + 1);
    size_t done = 0;
    for (;;) {
      if (done == text.size()) text.resize(std::min(text.size() * 2, max_bytes + 1));
      ssize_t got = read(fd, text.data() + done, text.size() - done);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        status = Status::FromErrno(errno, "read " + path);
        break;
      }
      if (got == 0) break;
      done += static_cast<size_t>(got);
      if (done > max_bytes) {
        status = Status::Corruption(path + " holds more than the " + std::to_string(max_bytes) +
                                    " bytes expected");
        break;
      }
    }
    text.resize(done);
  }
  close(fd);
  if (!status.ok()) return status;
  return text;
}

}  // namespace ferrite
