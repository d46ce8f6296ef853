// The layout file of a Db directory, FERRITE: the shard count the data was written with.
// A key's shard comes from its hash modulo the count, so opening with another count would
// look keys up in the wrong shard and answer NotFound for keys that exist; Db::Open
// refuses it instead.
//
//   ferrite-db 1
//   shards 4
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ferrite/status.h"

namespace ferrite {

inline constexpr std::string_view kDbLayoutFileName = "FERRITE";

// For a directory without a layout file: writes one (atomically) for `shards`, unless
// shard directories already there say another count. With one: checks it. Creates the
// directory when missing. InvalidArgument naming both counts when they differ;
// Corruption naming the file when it is not a layout file.
Status CheckOrCreateDbLayout(const std::string& directory, uint32_t shards);

// The shard count `directory`'s layout file records; nullopt when there is no layout
// file (or no directory). Corruption naming the file when it is not a layout file.
Result<std::optional<uint32_t>> ReadDbLayoutShards(const std::string& directory);

}  // namespace ferrite
