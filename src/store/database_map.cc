#include "store/database_map.h"

#include <sstream>
#include <vector>

#include "util/atomic_file.h"

namespace ferrite {
namespace {

constexpr const char* kHeader = "ferrite-databases 1";

}  // namespace

DatabaseMap::DatabaseMap() {
  for (int db = 0; db < kMaxDatabases; ++db) map_[db].store(static_cast<uint8_t>(db));
}

Result<std::unique_ptr<DatabaseMap>> DatabaseMap::Open(std::string directory) {
  auto map = std::make_unique<DatabaseMap>();
  const std::string path = directory + "/" + kFileName;
  map->directory_ = std::move(directory);
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return map;
    return text.status();
  }
  std::istringstream in(*text);
  std::string header;
  std::getline(in, header);
  if (header != kHeader) return Status::Corruption(path + ": unknown header");
  std::vector<bool> used(kMaxDatabases, false);
  for (int db = 0; db < kMaxDatabases; ++db) {
    int stored = -1;
    if (!(in >> stored) || stored < 0 || stored >= kMaxDatabases || used[stored]) {
      return Status::Corruption(path + ": not a permutation of the databases");
    }
    used[stored] = true;
    map->map_[db].store(static_cast<uint8_t>(stored));
  }
  return map;
}

std::string DatabaseMap::Encode() const {
  std::string text = std::string(kHeader) + "\n";
  for (int db = 0; db < kMaxDatabases; ++db) {
    text += std::to_string(Stored(db));
    text += db + 1 == kMaxDatabases ? '\n' : ' ';
  }
  return text;
}

Status DatabaseMap::Swap(int a, int b) {
  const uint8_t stored_a = map_[a].load();
  const uint8_t stored_b = map_[b].load();
  if (!directory_.empty()) {
    DatabaseMap next;
    for (int db = 0; db < kMaxDatabases; ++db) next.map_[db].store(map_[db].load());
    next.map_[a].store(stored_b);
    next.map_[b].store(stored_a);
    if (Status written = ReplaceFileAtomically(directory_, kFileName, next.Encode());
        !written.ok()) {
      return written;
    }
  }
  map_[a].store(stored_b, std::memory_order_release);
  map_[b].store(stored_a, std::memory_order_release);
  return Status::Ok();
}

}  // namespace ferrite
