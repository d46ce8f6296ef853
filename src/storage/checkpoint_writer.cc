#include "storage/checkpoint_writer.h"

#include <fcntl.h>

#include <utility>

namespace ferrite {

CheckpointWriter::CheckpointWriter(IoEngine& engine, std::string directory)
    : engine_(engine), directory_(std::move(directory)) {}

CheckpointWriter::~CheckpointWriter() {
  while (busy_ && engine_.in_flight() > 0) engine_.Wait(1);
}

Status CheckpointWriter::Start(CheckpointManifest manifest, std::vector<std::byte> index_bytes,
                               Callback done) {
  if (busy_) return Status::Busy("a checkpoint is being written");
  const std::string path = directory_ + "/" + manifest.index_file;
  // Through the page cache: the file is written once, sequentially, then synced.
  auto file = IoFile::Open(path, O_RDWR | O_CREAT | O_TRUNC, 0644, /*direct_io=*/false);
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  manifest_ = std::move(manifest);
  bytes_ = std::move(index_bytes);
  done_ = std::move(done);
  busy_ = true;
  request_ = IoRequest{};
  request_.opcode = IoOpcode::kWrite;
  request_.fd = file_.fd();
  request_.offset = 0;
  request_.buffer = bytes_.data();
  request_.length = bytes_.size();
  request_.callback = [this](IoResult result) { OnWritten(result); };
  engine_.Prepare(request_);
  engine_.Submit();
  return Status::Ok();
}

void CheckpointWriter::OnWritten(IoResult result) {
  if (!result.ok()) {
    Finish(result.ToStatus("write " + file_.path()));
    return;
  }
  if (result.bytes() != bytes_.size()) {
    Finish(Status::Corruption("write " + file_.path() + ": wrote " +
                              std::to_string(result.bytes()) + " of " +
                              std::to_string(bytes_.size()) + " bytes"));
    return;
  }
  request_ = IoRequest{};
  request_.opcode = IoOpcode::kFsync;
  request_.fd = file_.fd();
  request_.callback = [this](IoResult synced) { OnSynced(synced); };
  engine_.Prepare(request_);
  engine_.Submit();
}

void CheckpointWriter::OnSynced(IoResult result) {
  if (!result.ok()) {
    Finish(result.ToStatus("sync " + file_.path()));
    return;
  }
  Finish(WriteCheckpointManifest(directory_, manifest_));
}

void CheckpointWriter::Finish(Status status) {
  file_ = IoFile();
  bytes_ = {};
  busy_ = false;
  Callback done = std::move(done_);
  done(std::move(status));
}

}  // namespace ferrite
