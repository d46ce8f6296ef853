// A fresh directory for one benchmark's data, removed when the benchmark ends (unless
// kept), so that runs never mix with each other's files or with a user's data.
#pragma once

#include <string>

#include "ferrite/status.h"

namespace ferrite::bench {

class ScratchDir {
 public:
  // Makes `parent`/<prefix>XXXXXX.
  static Result<ScratchDir> Make(const std::string& parent, const std::string& prefix);

  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)), keep_(other.keep_) {
    other.path_.clear();
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  // Removes the directory and everything in it, unless keep() was called.
  ~ScratchDir();

  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }
  // Where the directory lives: "ext4", "xfs", "tmpfs" (no disk under it), ...
  std::string FilesystemName() const;

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}

  std::string path_;
  bool keep_ = false;
};

}  // namespace ferrite::bench
