// The checkpoint manifest: its text round-trips, every damage is Corruption naming the
// file, and replacing it leaves exactly the new one.
#include "storage/checkpoint_manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/temp_dir.h"

namespace ferrite {
namespace {

CheckpointManifest Sample() {
  return {.sequence = 7,
          .page_bits = 20,
          .segment_bits = 26,
          .log_begin = 64 << 20,
          .durable_tail = (100 << 20) + 4160,
          .index_file = IndexSnapshotFileName(7),
          .index_bytes = 65608,
          .index_bucket_bits = 10};
}

TEST(CheckpointManifestTest, RoundTripsThroughText) {
  const std::string text = EncodeCheckpointManifest(Sample());
  EXPECT_TRUE(text.starts_with("ferrite-checkpoint 1\nsequence 7\n")) << text;
  EXPECT_NE(text.find("index_file checkpoint.7.index\n"), std::string::npos);
  auto decoded = DecodeCheckpointManifest(text, "M");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, Sample());
}

TEST(CheckpointManifestTest, EveryFlippedByteAndEveryCutIsCorruption) {
  const std::string text = EncodeCheckpointManifest(Sample());
  for (size_t i = 0; i < text.size(); ++i) {
    std::string damaged = text;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    auto decoded = DecodeCheckpointManifest(damaged, "/d/CHECKPOINT");
    ASSERT_FALSE(decoded.ok()) << "byte " << i;
    EXPECT_NE(decoded.status().message().find("/d/CHECKPOINT"), std::string_view::npos);
  }
  for (size_t length = 0; length < text.size(); ++length) {
    auto decoded = DecodeCheckpointManifest(text.substr(0, length), "M");
    ASSERT_EQ(decoded.status().code(), StatusCode::kCorruption) << "cut at " << length;
  }
}

TEST(CheckpointManifestTest, RejectsFieldsThatCannotBeRight) {
  CheckpointManifest escaping = Sample();
  escaping.index_file = "../elsewhere";
  EXPECT_EQ(DecodeCheckpointManifest(EncodeCheckpointManifest(escaping), "M").status().code(),
            StatusCode::kCorruption);
  CheckpointManifest backwards = Sample();
  backwards.log_begin = backwards.durable_tail + 1;
  EXPECT_EQ(DecodeCheckpointManifest(EncodeCheckpointManifest(backwards), "M").status().code(),
            StatusCode::kCorruption);
}

TEST(CheckpointManifestTest, WriteReplacesAndReadFindsNothingInAnEmptyDirectory) {
  TempDir dir;
  auto none = ReadCheckpointManifest(dir.Path(""));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(WriteCheckpointManifest(dir.Path(""), Sample()).ok());
  CheckpointManifest next = Sample();
  next.sequence = 8;
  next.index_file = IndexSnapshotFileName(8);
  ASSERT_TRUE(WriteCheckpointManifest(dir.Path(""), next).ok());
  auto read = ReadCheckpointManifest(dir.Path(""));
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, next);
  EXPECT_FALSE(std::filesystem::exists(dir.Path("CHECKPOINT.tmp")));
}

}  // namespace
}  // namespace ferrite
