// CheckpointWriter: the last step of a shard's checkpoint (ADR 0009). Once the log is
// flushed, it writes the index snapshot file through the shard's IoEngine, syncs it, and
// then replaces the manifest, which makes the checkpoint current. Nothing the manifest
// names can be missing or partial after a crash: the manifest is written last.
//
// Shard thread only, like the engine it uses.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "io/io_file.h"
#include "storage/checkpoint_manifest.h"

namespace ferrite {

class CheckpointWriter {
 public:
  using Callback = std::function<void(Status)>;

  // REQUIRES: `engine` outlives the writer.
  CheckpointWriter(IoEngine& engine, std::string directory);
  // Waits (running the engine) for a write in flight.
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Writes `index_bytes` to manifest.index_file and syncs it, then writes the manifest.
  // The callback runs from the engine with OK once the manifest is durable, or the first
  // error (the previous manifest then stays current). An error return means the
  // callback never runs. REQUIRES: !busy(); manifest.index_bytes == index_bytes.size().
  Status Start(CheckpointManifest manifest, std::vector<std::byte> index_bytes, Callback done);
  bool busy() const { return busy_; }

 private:
  void OnWritten(IoResult result);
  void OnSynced(IoResult result);
  void Finish(Status status);

  IoEngine& engine_;
  const std::string directory_;
  bool busy_ = false;
  CheckpointManifest manifest_;
  std::vector<std::byte> bytes_;
  IoFile file_;
  IoRequest request_;
  Callback done_;
};

}  // namespace ferrite
