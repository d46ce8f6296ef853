// The slow log: commands that ran for at least slowlog-log-slower-than microseconds,
// newest first, at most slowlog-max-len of them. One log serves the whole server and is
// shared by the worker threads under a mutex: a command reaches it only when it was
// slow, so the lock never lies on the path of an ordinary command (ADR 0013).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_spec.h"
#include "commands/server_diagnostics.h"

namespace ferrite {

// Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
inline constexpr size_t kSlowlogMaxArgs = 32;
inline constexpr size_t kSlowlogMaxArgBytes = 128;

// A command's arguments as the slow log keeps them: those `redact` marks replaced by
// "(redacted)"; past 32 arguments, the 32nd replaced by "... (N more arguments)"; an
// argument longer than 128 bytes cut to 128 followed by "... (N more bytes)".
std::vector<std::string> SlowlogArgv(std::span<const std::string_view> args,
                                     ArgumentRedactor redact);

// SlowlogArgv() of a command kept for later, in storage reused from one command to the
// next: a connection keeps one for a command whose reply is deferred (its arguments
// live in the query buffer only until the handler returns), and copying into it
// allocates nothing once warm.
class SlowlogArgs {
 public:
  void Assign(std::span<const std::string_view> args, ArgumentRedactor redact);
  void Clear() {
    bytes_.clear();
    ends_.clear();
  }
  bool empty() const { return ends_.empty(); }
  std::vector<std::string> ToArgv() const;

 private:
  std::string bytes_;         // the arguments, one after the other
  std::vector<size_t> ends_;  // where each ends in bytes_
};

// Thread-safe.
class SlowLog {
 public:
  // Adds `entry` as the newest, giving it the next id, then drops the oldest entries
  // beyond `max_len` (as Redis does: a lower slowlog-max-len applies at the next push).
  void Push(SlowlogEntry entry, size_t max_len);
  // The newest `count` entries, newest first.
  std::vector<SlowlogEntry> Newest(size_t count) const;
  size_t size() const;
  // Empties the log. Ids keep increasing.
  void Reset();

 private:
  mutable std::mutex mutex_;
  std::deque<SlowlogEntry> entries_;  // newest first; guarded by mutex_
  uint64_t next_id_ = 0;              // guarded by mutex_
};

}  // namespace ferrite
