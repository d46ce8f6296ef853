#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

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

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Status::FromErrno(errno, "open " + path);
  }
  std::string text;
  char buffer[4096];
  Status status;
  for (;;) {
    ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      status = Status::FromErrno(errno, "read " + path);
      break;
    }
    if (got == 0) break;
    text.append(buffer, static_cast<size_t>(got));
    if (text.size() > max_bytes) {
      status = Status::Corruption(path + " is larger than " + std::to_string(max_bytes) + " bytes");
      break;
    }
  }
  close(fd);
  if (!status.ok()) return status;
  return text;
}

}  // namespace ferrite
