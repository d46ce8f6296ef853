// LogStore::Open: the log opened at the checkpoint's bounds, the index restored from its
// snapshot, the records above it replayed (ADR 0009).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "storage/index_snapshot.h"
#include "storage/key_hash.h"
#include "storage/log_page.h"
#include "storage/log_store.h"
#include "util/atomic_file.h"

namespace ferrite {
Result<std::unique_ptr<LogStore>> LogStore::Open(IoEngine& engine, LogStoreOptions options) {
  const std::string& directory = options.log.directory;
  auto manifest = ReadCheckpointManifest(directory);
  if (!manifest.ok()) return manifest.status();
  if (manifest->has_value()) {
    const CheckpointManifest& current = **manifest;
    const LogGeometry& geometry = options.log.geometry;
    if (current.page_bits != geometry.page_bits || current.segment_bits != geometry.segment_bits) {
      return Status::InvalidArgument(
          "the checkpoint in " + directory + " was written with pages of 2^" +
          std::to_string(current.page_bits) + " bytes and segments of 2^" +
          std::to_string(current.segment_bits) + ", not " + geometry.ToString());
    }
    options.log.checkpoint =
        LogCheckpointBounds{.begin = current.log_begin, .durable_tail = current.durable_tail};
  }
  auto log = HybridLog::Open(engine, options.log);
  if (!log.ok()) return log.status();
  std::unique_ptr<LogStore> store(new LogStore(engine, std::move(options), std::move(log).value()));
  if (Status status = store->RecoverIndex(*manifest); !status.ok()) return status;
  return store;
}

Result<HashIndex> LogStore::LoadIndexSnapshot(const CheckpointManifest& manifest) {
  const std::string path = log_->options().directory + "/" + manifest.index_file;
  auto bytes = ReadWholeFile(path, manifest.index_bytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Status::Corruption("index snapshot " + path + " named by the manifest is missing");
    }
    if (bytes.status().code() == StatusCode::kCorruption) {
      return Status::Corruption("index snapshot " + std::string(bytes.status().message()));
    }
    return bytes.status();
  }
  if (bytes->size() != manifest.index_bytes) {
    return Status::Corruption("index snapshot " + path + " holds " + std::to_string(bytes->size()) +
                              " bytes, the manifest says " + std::to_string(manifest.index_bytes));
  }
  auto index = DecodeIndexSnapshot(std::as_bytes(std::span(*bytes)), path);
  if (!index.ok()) return index.status();
  if (index->bucket_count() != uint64_t{1} << manifest.index_bucket_bits) {
    return Status::Corruption(
        "index snapshot " + path + " has " + std::to_string(index->bucket_count()) +
        " buckets, the manifest says 2^" + std::to_string(manifest.index_bucket_bits));
  }
  return index;
}

Status LogStore::RecoverIndex(const std::optional<CheckpointManifest>& manifest) {
  const auto started = std::chrono::steady_clock::now();
  LogAddress replay_from = log_->begin();
  if (manifest.has_value()) {
    auto index = LoadIndexSnapshot(*manifest);
    if (!index.ok()) return index.status();
    index_ = std::move(index).value();
    replay_from = std::max(replay_from, manifest->durable_tail);
    checkpoint_sequence_ = manifest->sequence;
    recovery_.checkpoint_sequence = manifest->sequence;
  }
  index_.set_chain_reader([this](uint64_t address) { return ReadChainLink(address); });
  // Every replayed record was linked under a table no larger than its page records; a
  // coarser one would merge chains that never met and lose keys (ADR 0008 decision 6).
  const uint32_t bits = log_->recovery().index_bucket_bits;
  if (bits > 0) index_.GrowTo(uint64_t{1} << bits);
  if (Status replayed = ReplayFrom(replay_from); !replayed.ok()) return replayed;
  NoteIndexSize();
  RemoveStaleSnapshots();
  recovery_.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("store {}: {}, {} records replayed, {} index entries, {:.0f} ms",
               log_->options().directory,
               manifest.has_value() ? "checkpoint " + std::to_string(manifest->sequence)
                                    : std::string("no checkpoint"),
               recovery_.records_replayed, index_.entry_count(), recovery_.milliseconds);
  return Status::Ok();
}

Status LogStore::ReplayFrom(LogAddress from) {
  const LogGeometry& geometry = log_->geometry();
  // After HybridLog::Open every record lies below the head, on disk.
  if (from >= log_->head()) return Status::Ok();
  AlignedBuffer page(geometry.page_size());
  const uint64_t head_page = geometry.page_of(log_->head());
  for (uint64_t number = geometry.page_of(from); number < head_page; ++number) {
    std::optional<Status> outcome;
    Status started = log_->store().ReadPage(number, page.data(),
                                            [&outcome](Status status) { outcome = status; });
    if (!started.ok()) return started;
    while (!outcome.has_value()) engine_.Wait(1);
    if (!outcome->ok()) return *outcome;
    PageRecordIterator it(page.span(), geometry.page_start(number));
    for (; it.Valid(); it.Next()) {
      if (it.address() < from) continue;
      index_.Set(index_.FindOrCreate(HashKey(it.record().key())), it.address());
      ++recovery_.records_replayed;
      ++records_seen_;
      record_bytes_seen_ += it.record().size();
    }
    if (!it.status().ok()) return it.status();
  }
  return Status::Ok();
}

void LogStore::RemoveStaleSnapshots() {
  // Snapshot files of checkpoints that never became current (a crash before their
  // manifest) or were replaced: only the current one is ever read.
  const std::string current =
      checkpoint_sequence_ == 0 ? std::string() : IndexSnapshotFileName(checkpoint_sequence_);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(log_->options().directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("checkpoint.") && name.ends_with(".index") && name != current) {
      std::filesystem::remove(entry.path(), error);
    }
  }
  std::filesystem::remove(
      log_->options().directory + "/" + std::string(kCheckpointManifestName) + ".tmp", error);
}

}  // namespace ferrite
