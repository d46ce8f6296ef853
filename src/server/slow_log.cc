#include "server/slow_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>

namespace ferrite {

namespace {

// Calls append(i, redacted) for each argument the slow log keeps. Redaction is computed
// only for commands that have secrets.
template <typename Append>
void ForEachKeptArgument(std::span<const std::string_view> args, ArgumentRedactor redact,
                         Append append) {
  std::vector<bool> redacted;
  if (redact != nullptr) {
    redacted.assign(args.size(), false);
    redact(args, redacted);
  }
  const size_t kept = std::min(args.size(), kSlowlogMaxArgs);
  for (size_t i = 0; i < kept; ++i) append(i, !redacted.empty() && redacted[i]);
}

// Appends what the slow log keeps of args[i].
void AppendKeptArgument(std::string& out, std::span<const std::string_view> args, size_t i,
                        bool redacted) {
  const size_t kept = std::min(args.size(), kSlowlogMaxArgs);
  if (kept != args.size() && i == kept - 1) {
    // The last slot says how many arguments were left out, itself included.
    fmt::format_to(std::back_inserter(out), "... ({} more arguments)", args.size() - kept + 1);
  } else if (redacted) {
    out += "(redacted)";
  } else if (args[i].size() > kSlowlogMaxArgBytes) {
    out += args[i].substr(0, kSlowlogMaxArgBytes);
    fmt::format_to(std::back_inserter(out), "... ({} more bytes)",
                   args[i].size() - kSlowlogMaxArgBytes);
  } else {
    out += args[i];
  }
}

}  // namespace

std::vector<std::string> SlowlogArgv(std::span<const std::string_view> args,
                                     ArgumentRedactor redact) {
  std::vector<std::string> argv;
  argv.reserve(std::min(args.size(), kSlowlogMaxArgs));
  ForEachKeptArgument(args, redact, [&](size_t i, bool redacted) {
    AppendKeptArgument(argv.emplace_back(), args, i, redacted);
  });
  return argv;
}

void SlowlogArgs::Assign(std::span<const std::string_view> args, ArgumentRedactor redact) {
  Clear();
  ForEachKeptArgument(args, redact, [&](size_t i, bool redacted) {
    AppendKeptArgument(bytes_, args, i, redacted);
    ends_.push_back(bytes_.size());
  });
}

std::vector<std::string> SlowlogArgs::ToArgv() const {
  std::vector<std::string> argv;
  argv.reserve(ends_.size());
  size_t begin = 0;
  for (size_t end : ends_) {
    argv.emplace_back(bytes_, begin, end - begin);
    begin = end;
  }
  return argv;
}

void SlowLog::Push(SlowlogEntry entry, size_t max_len) {
  std::lock_guard<std::mutex> lock(mutex_);
  entry.id = next_id_++;
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

std::vector<SlowlogEntry> SlowLog::Newest(size_t count) const {
  std::lock_guard<std::mutex> lock(mutex_);
  count = std::min(count, entries_.size());
  return std::vector<SlowlogEntry>(entries_.begin(),
                                   entries_.begin() + static_cast<ptrdiff_t>(count));
}

size_t SlowLog::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void SlowLog::Reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

}  // namespace ferrite
