// Reply writers and store-lookup helpers shared by the data command families: a store
// work's result becomes a ReplyWriter that the client's thread runs later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commands/error_replies.h"
#include "commands/key_dispatch.h"
#include "storage/log_store.h"

namespace ferrite {

inline ReplyWriter ErrorWriter(Status status) {
  return [status = std::move(status)](protocol::ReplyBuilder& reply) {
    ReplyStatusError(reply, status);
  };
}

inline ReplyWriter BulkOrNullWriter(std::optional<std::string> value) {
  return [value = std::move(value)](protocol::ReplyBuilder& reply) {
    if (value) {
      reply.Bulk(*value);
    } else {
      reply.Null();
    }
  };
}

inline ReplyWriter IntegerWriter(int64_t value) {
  return [value](protocol::ReplyBuilder& reply) { reply.Integer(value); };
}

inline ReplyWriter OkWriter() {
  return [](protocol::ReplyBuilder& reply) { reply.Ok(); };
}

// What a read found: the entry, nullopt when the key is missing, or the store's error.
using Lookup = Result<std::optional<StoredEntry>>;

inline Lookup ToLookup(Result<StoredEntry> found) {
  if (found.ok()) return std::optional<StoredEntry>(std::move(found).value());
  if (found.status().code() == StatusCode::kNotFound) return std::optional<StoredEntry>();
  return found.status();
}

inline std::optional<std::string_view> ValueOf(const std::optional<StoredEntry>& entry) {
  if (!entry) return std::nullopt;
  return std::string_view(entry->value);
}

}  // namespace ferrite
