// The checkpoint manifest of one shard directory (ADR 0009): the small file, named
// CHECKPOINT, that says which checkpoint is current. It is replaced atomically (written
// to a temporary name, synced, renamed over the old one, directory synced), so a crash
// leaves either the old manifest or the new one, never a mix; everything it names was
// durable before it was written.
//
// The format is text, one "name value" pair per line, ending with a checksum line over
// every byte before it:
//
//   ferrite-checkpoint 1
//   sequence 7
//   page_bits 20
//   segment_bits 26
//   log_begin 0
//   durable_tail 1048640
//   index_file checkpoint.7.index
//   index_bytes 65608
//   index_bucket_bits 10
//   checksum 9f2c...       (XXH3-64 of the lines above, 16 hex digits)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ferrite/status.h"
#include "storage/log_address.h"

namespace ferrite {

inline constexpr std::string_view kCheckpointManifestName = "CHECKPOINT";
inline constexpr uint32_t kCheckpointManifestVersion = 1;

struct CheckpointManifest {
  uint64_t sequence = 0;  // 1 for the first checkpoint of a directory, then +1
  // The log geometry the checkpoint was written with.
  uint32_t page_bits = 0;
  uint32_t segment_bits = 0;
  // The log's begin, and the tail when the checkpoint began: every record below it was
  // durable, and the index snapshot points into [log_begin, durable_tail).
  LogAddress log_begin = 0;
  LogAddress durable_tail = 0;
  // The index snapshot file (a name in the same directory) and its size.
  std::string index_file;
  uint64_t index_bytes = 0;
  // log2 of the snapshot's bucket count.
  uint32_t index_bucket_bits = 0;

  bool operator==(const CheckpointManifest&) const = default;
};

// The name of the index snapshot file of checkpoint `sequence`.
std::string IndexSnapshotFileName(uint64_t sequence);

std::string EncodeCheckpointManifest(const CheckpointManifest& manifest);
// Corruption naming `file` for anything but a complete manifest with a matching
// checksum; NotSupported for another version.
Result<CheckpointManifest> DecodeCheckpointManifest(std::string_view text, const std::string& file);

// The manifest of `directory`; nullopt when it has none (no checkpoint yet).
Result<std::optional<CheckpointManifest>> ReadCheckpointManifest(const std::string& directory);
// Replaces the manifest of `directory` atomically and durably (blocking: a few small
// writes and syncs).
Status WriteCheckpointManifest(const std::string& directory, const CheckpointManifest& manifest);

}  // namespace ferrite
