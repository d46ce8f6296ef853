#include "io/io_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "io/temp_dir.h"

namespace ferrite {
namespace {

TEST(IoFileTest, DirectFilesReportTheirAlignment) {
  TempDir dir;  // on the build machine's disk filesystem, which has O_DIRECT
  auto file = IoFile::Open(dir.Path("segment.0"), O_RDWR | O_CREAT, 0644, /*direct_io=*/true);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_TRUE(file->direct());
  EXPECT_EQ(fcntl(file->fd(), F_GETFL) & O_DIRECT, O_DIRECT);
  // Powers of two no larger than a page: what any block device asks for.
  for (uint32_t alignment : {file->memory_alignment(), file->offset_alignment()}) {
    EXPECT_GE(alignment, 1u);
    EXPECT_LE(alignment, 4096u);
    EXPECT_EQ(alignment & (alignment - 1), 0u);
  }
}

TEST(IoFileTest, BufferedWhenNotAskedForDirect) {
  TempDir dir;
  auto file = IoFile::Open(dir.Path("aof"), O_RDWR | O_CREAT, 0644, /*direct_io=*/false);
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE(file->direct());
  EXPECT_EQ(fcntl(file->fd(), F_GETFL) & O_DIRECT, 0);
  EXPECT_EQ(file->memory_alignment(), 1u);
  EXPECT_NE(fcntl(file->fd(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST(IoFileTest, FallsBackWhereTheFilesystemRefusesDirectIo) {
  // /dev/shm is tmpfs, which has no O_DIRECT before Linux 6.6; either way the open
  // succeeds and direct() tells the truth.
  std::string path = "/dev/shm/ferrite-io-file-test-" + std::to_string(getpid());
  auto file = IoFile::Open(path, O_RDWR | O_CREAT, 0644, /*direct_io=*/true);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->direct(), (fcntl(file->fd(), F_GETFL) & O_DIRECT) != 0);
  unlink(path.c_str());
}

TEST(IoFileTest, SizeTruncateAndErrors) {
  TempDir dir;
  auto file = IoFile::Open(dir.Path("f"), O_RDWR | O_CREAT, 0644, false);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->Truncate(12345).ok());
  EXPECT_EQ(file->Size().value(), 12345u);
  IoFile moved = std::move(file).value();
  EXPECT_EQ(moved.Size().value(), 12345u);

  auto missing = IoFile::Open(dir.Path("no/such/dir"), O_RDONLY, 0, true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().sys_errno(), ENOENT);
  EXPECT_NE(missing.status().message().find("no/such/dir"), std::string_view::npos);
}

}  // namespace
}  // namespace ferrite
