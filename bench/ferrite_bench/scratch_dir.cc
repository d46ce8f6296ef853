#include "scratch_dir.h"

#include <linux/magic.h>
#include <stdlib.h>
#include <sys/vfs.h>

#include <cerrno>
#include <filesystem>
#include <vector>

namespace ferrite::bench {

Result<ScratchDir> ScratchDir::Make(const std::string& parent, const std::string& prefix) {
  std::string pattern = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) return Status::FromErrno(errno, "mkdtemp " + pattern);
  return ScratchDir(std::string(buffer.data()));
}

ScratchDir::~ScratchDir() {
  if (path_.empty() || keep_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::FilesystemName() const {
  struct statfs info {};
  if (statfs(path_.c_str(), &info) != 0) return "unknown";
  switch (info.f_type) {
    case TMPFS_MAGIC:
      return "tmpfs";
    case EXT4_SUPER_MAGIC:
      return "ext4";  // also ext2 and ext3: they share the magic
    case XFS_SUPER_MAGIC:
      return "xfs";
    case BTRFS_SUPER_MAGIC:
      return "btrfs";
    case OVERLAYFS_SUPER_MAGIC:
      return "overlayfs";
    default:
      return "other";
  }
}

}  // namespace ferrite::bench
