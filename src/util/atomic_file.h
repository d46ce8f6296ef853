// Whole-file helpers for metadata: small files replaced atomically (written beside their
// final name, synced, renamed over it, the directory synced, so that a crash leaves the
// old contents or the new, never a mix and never nothing), and files read whole.
#pragma once

#include <string>
#include <string_view>

#include "ferrite/status.h"

namespace ferrite {

// Replaces `directory`/`name` with `contents` atomically and durably (blocking). The
// temporary file is `name` + ".tmp"; it is removed when a step fails.
Status ReplaceFileAtomically(const std::string& directory, std::string_view name,
                             std::string_view contents);

// The whole file, when it holds at most `max_bytes` (a larger one is Corruption: the
// caller knows how large its file may be). NotFound when it does not exist.
Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes = size_t{1} << 20);

// fsync of a directory, so that the names created or removed in it are durable.
Status SyncDirectory(const std::string& directory);

}  // namespace ferrite
