// The two shapes most string and bitmap commands take on one key: read the value and
// reply from it, or read-modify-write it keeping the key's expiry.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/key_dispatch.h"
#include "commands/reply_writers.h"
#include "ferrite/status.h"

namespace ferrite {

// What an update makes of a value: the value to store (nullopt: leave the key as it
// is) and the reply.
struct Modification {
  std::optional<std::string> value;
  ReplyWriter reply;
};
// Gets the current value (nullopt: the key is missing); an error is replied as is and
// nothing is stored.
using ModifyFunction = std::function<Result<Modification>(std::optional<std::string_view> current)>;

// Read-modify-write of `key` (in the client's database), keeping its expiry.
void ModifyString(CommandContext& ctx, std::string_view key, ModifyFunction update);

// Reads `key` and replies with what `reply` makes of its value.
void ReadString(CommandContext& ctx, std::string_view key,
                std::function<ReplyWriter(std::optional<std::string_view>)> reply);

// A step of RunOnKeys that reads, for each of its indexes i, keys[i] of database `db`
// into (*entries)[i].
KeysStep ReadEntries(int db, std::shared_ptr<const std::vector<std::string>> keys,
                     std::shared_ptr<std::vector<Lookup>> entries);

}  // namespace ferrite
