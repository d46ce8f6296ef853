// DatabaseMap: which stored database (the key prefix byte, ADR 0012) each database number
// that clients SELECT names. SWAPDB exchanges two entries, so it costs O(1) whatever the
// databases hold; the map is kept in the data directory (file `databases`), replaced
// atomically, so a swap survives a restart.
//
// Thread safety: Stored() may be called from any thread; Swap() calls are serialized by
// the caller (the server's transaction-order mutex, ADR 0012 decision 7).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "ferrite/status.h"

namespace ferrite {

// Databases are one byte in stored keys (KeyspaceShard::StoredKey).
inline constexpr int kMaxDatabases = 256;

class DatabaseMap {
 public:
  static constexpr const char* kFileName = "databases";

  // Reads `directory`/databases, or starts with the identity when the file is missing.
  // Corruption when the file is not a permutation of [0, kMaxDatabases).
  static Result<std::unique_ptr<DatabaseMap>> Open(std::string directory);
  // The identity, kept in memory only (tests, embedded use).
  DatabaseMap();

  // The stored database of database `db`. REQUIRES: 0 <= db < kMaxDatabases
  int Stored(int db) const { return map_[db].load(std::memory_order_acquire); }

  // Exchanges databases `a` and `b`: written to the file first (when there is one), then
  // applied; on a write error nothing changes. REQUIRES: both in [0, kMaxDatabases).
  Status Swap(int a, int b);

  // The file's text for the current map.
  std::string Encode() const;

 private:
  std::string directory_;  // empty: not persisted
  std::array<std::atomic<uint8_t>, kMaxDatabases> map_;
};

}  // namespace ferrite
