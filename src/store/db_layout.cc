#include "store/db_layout.h"

#include <charconv>
#include <filesystem>
#include <optional>

#include "util/atomic_file.h"

namespace ferrite {
namespace {

constexpr std::string_view kHeader = "ferrite-db 1\nshards ";

std::string Encode(uint32_t shards) { return std::string(kHeader) + std::to_string(shards) + "\n"; }

std::optional<uint32_t> Decode(std::string_view text) {
  if (!text.starts_with(kHeader) || !text.ends_with('\n')) return std::nullopt;
  text.remove_prefix(kHeader.size());
  text.remove_suffix(1);
  uint32_t shards = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), shards);
  if (error != std::errc() || end != text.data() + text.size() || shards == 0) return std::nullopt;
  return shards;
}

// The shard count the directories `shard-<i>` already there imply (the highest i + 1),
// or 0 when there are none.
uint32_t ShardDirectoriesIn(const std::filesystem::path& directory) {
  uint32_t count = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("shard-")) continue;
    uint32_t index = 0;
    const char* first = name.data() + 6;
    const char* last = name.data() + name.size();
    auto [end, parse_error] = std::from_chars(first, last, index);
    if (parse_error == std::errc() && end == last) count = std::max(count, index + 1);
  }
  return count;
}

Status Mismatch(const std::string& directory, uint32_t written, uint32_t asked) {
  return Status::InvalidArgument(directory + " holds a database written with " +
                                 std::to_string(written) + " shards; it must be opened with " +
                                 std::to_string(written) + ", not " + std::to_string(asked));
}

}  // namespace

Result<std::optional<uint32_t>> ReadDbLayoutShards(const std::string& directory) {
  const std::string path = directory + "/" + std::string(kDbLayoutFileName);
  auto text = ReadWholeFile(path, 4096);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::optional<uint32_t>();
    return text.status();
  }
  std::optional<uint32_t> written = Decode(*text);
  if (!written.has_value()) return Status::Corruption(path + " is not a Ferrite layout file");
  return written;
}

Status CheckOrCreateDbLayout(const std::string& directory, uint32_t shards) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return Status::FromErrno(error.value(), "create " + directory);
  const std::string path = directory + "/" + std::string(kDbLayoutFileName);
  auto text = ReadWholeFile(path, 4096);
  if (text.ok()) {
    std::optional<uint32_t> written = Decode(*text);
    if (!written.has_value()) return Status::Corruption(path + " is not a Ferrite layout file");
    if (*written != shards) return Mismatch(directory, *written, shards);
    return Status::Ok();
  }
  if (text.status().code() != StatusCode::kNotFound) return text.status();
  if (uint32_t existing = ShardDirectoriesIn(directory); existing != 0 && existing != shards) {
    return Mismatch(directory, existing, shards);
  }
  return ReplaceFileAtomically(directory, kDbLayoutFileName, Encode(shards));
}

}  // namespace ferrite
