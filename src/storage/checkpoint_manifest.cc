#include "storage/checkpoint_manifest.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <map>

#include "util/atomic_file.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ferrite {
namespace {

constexpr std::string_view kChecksumKey = "checksum ";

std::string Hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(value));
  return text;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out, int base = 10) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string IndexSnapshotFileName(uint64_t sequence) {
  return "checkpoint." + std::to_string(sequence) + ".index";
}

std::string EncodeCheckpointManifest(const CheckpointManifest& manifest) {
  std::string text = "ferrite-checkpoint " + std::to_string(kCheckpointManifestVersion) + "\n";
  text += "sequence " + std::to_string(manifest.sequence) + "\n";
  text += "page_bits " + std::to_string(manifest.page_bits) + "\n";
  text += "segment_bits " + std::to_string(manifest.segment_bits) + "\n";
  text += "log_begin " + std::to_string(manifest.log_begin) + "\n";
  text += "durable_tail " + std::to_string(manifest.durable_tail) + "\n";
  text += "index_file " + manifest.index_file + "\n";
  text += "index_bytes " + std::to_string(manifest.index_bytes) + "\n";
  text += "index_bucket_bits " + std::to_string(manifest.index_bucket_bits) + "\n";
  text += std::string(kChecksumKey) + Hex64(XXH3_64bits(text.data(), text.size())) + "\n";
  return text;
}

Result<CheckpointManifest> DecodeCheckpointManifest(std::string_view text,
                                                    const std::string& file) {
  const std::string where = "checkpoint manifest " + file;
  const size_t checksum_at = text.rfind(kChecksumKey);
  if (checksum_at == std::string_view::npos || (checksum_at > 0 && text[checksum_at - 1] != '\n')) {
    return Status::Corruption(where + ": no checksum line (truncated?)");
  }
  std::string_view stored = text.substr(checksum_at + kChecksumKey.size());
  if (stored.empty() || stored.back() != '\n') {
    return Status::Corruption(where + ": checksum line is incomplete");
  }
  stored.remove_suffix(1);
  uint64_t checksum = 0;
  if (stored.size() != 16 || !ParseNumber(stored, checksum, 16) ||
      checksum != XXH3_64bits(text.data(), checksum_at)) {
    return Status::Corruption(where + ": checksum mismatch");
  }

  std::map<std::string, std::string, std::less<>> fields;
  std::string_view body = text.substr(0, checksum_at);
  while (!body.empty()) {
    const size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      return Status::Corruption(where + ": malformed line \"" + std::string(line) + "\"");
    }
    fields.emplace(std::string(line.substr(0, space)), std::string(line.substr(space + 1)));
  }
  auto field = [&](std::string_view name) -> const std::string* {
    auto found = fields.find(name);
    return found == fields.end() ? nullptr : &found->second;
  };
  uint32_t version = 0;
  if (const std::string* text_version = field("ferrite-checkpoint");
      text_version == nullptr || !ParseNumber(*text_version, version)) {
    return Status::Corruption(where + ": no version line");
  }
  if (version != kCheckpointManifestVersion) {
    return Status::NotSupported(where + ": version " + std::to_string(version) +
                                ", this build reads " + std::to_string(kCheckpointManifestVersion));
  }
  CheckpointManifest manifest;
  auto number = [&](std::string_view name, auto& out) -> Status {
    const std::string* value = field(name);
    if (value == nullptr || !ParseNumber(*value, out)) {
      return Status::Corruption(where + ": missing or bad " + std::string(name));
    }
    return Status::Ok();
  };
  for (Status status :
       {number("sequence", manifest.sequence), number("page_bits", manifest.page_bits),
        number("segment_bits", manifest.segment_bits), number("log_begin", manifest.log_begin),
        number("durable_tail", manifest.durable_tail), number("index_bytes", manifest.index_bytes),
        number("index_bucket_bits", manifest.index_bucket_bits)}) {
    if (!status.ok()) return status;
  }
  const std::string* index_file = field("index_file");
  // A plain name in the shard directory: anything with a slash would point elsewhere.
  if (index_file == nullptr || index_file->empty() || index_file->find('/') != std::string::npos) {
    return Status::Corruption(where + ": missing or bad index_file");
  }
  manifest.index_file = *index_file;
  if (manifest.log_begin > manifest.durable_tail || manifest.durable_tail > kMaxAddress ||
      manifest.index_bucket_bits > 63) {
    return Status::Corruption(where + ": inconsistent fields");
  }
  return manifest;
}

Result<std::optional<CheckpointManifest>> ReadCheckpointManifest(const std::string& directory) {
  const std::string path = directory + "/" + std::string(kCheckpointManifestName);
  auto text = ReadWholeFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::optional<CheckpointManifest>();
    return text.status();
  }
  auto manifest = DecodeCheckpointManifest(*text, path);
  if (!manifest.ok()) return manifest.status();
  return std::optional<CheckpointManifest>(*std::move(manifest));
}

Status WriteCheckpointManifest(const std::string& directory, const CheckpointManifest& manifest) {
  return ReplaceFileAtomically(directory, kCheckpointManifestName,
                               EncodeCheckpointManifest(manifest));
}

}  // namespace ferrite
