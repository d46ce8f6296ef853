// Atomic small-file replacement: the new contents replace the old whole, nothing is left
// beside them, and reads report missing and oversized files.
#include "util/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/temp_dir.h"

namespace ferrite {
namespace {

TEST(AtomicFileTest, ReplacesWholeAndLeavesNoTemporary) {
  TempDir dir;
  const std::string directory = dir.Path("");
  ASSERT_TRUE(ReplaceFileAtomically(directory, "META", "first\n").ok());
  EXPECT_EQ(*ReadWholeFile(dir.Path("META")), "first\n");
  ASSERT_TRUE(ReplaceFileAtomically(directory, "META", std::string(10000, 'x')).ok());
  EXPECT_EQ(*ReadWholeFile(dir.Path("META")), std::string(10000, 'x'));
  EXPECT_FALSE(std::filesystem::exists(dir.Path("META.tmp")));
}

TEST(AtomicFileTest, ReadReportsMissingAndOversizedFiles) {
  TempDir dir;
  EXPECT_EQ(ReadWholeFile(dir.Path("none")).status().code(), StatusCode::kNotFound);
  std::ofstream(dir.Path("big")) << std::string(5000, 'b');
  EXPECT_EQ(ReadWholeFile(dir.Path("big"), 4096).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadWholeFile(dir.Path("big"), 8192)->size(), 5000u);
}

TEST(AtomicFileTest, FailureLeavesTheOldFile) {
  TempDir dir;
  ASSERT_TRUE(ReplaceFileAtomically(dir.Path(""), "META", "old").ok());
  // A directory where the temporary file should go makes its creation fail.
  std::filesystem::create_directory(dir.Path("META.tmp"));
  EXPECT_FALSE(ReplaceFileAtomically(dir.Path(""), "META", "new").ok());
  EXPECT_EQ(*ReadWholeFile(dir.Path("META")), "old");
}

}  // namespace
}  // namespace ferrite
