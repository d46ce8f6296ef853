#include "server/slow_log.h"

#include <algorithm>
#include <utility>

namespace ferrite {

std::vector<std::string> SlowlogArgv(std::span<const std::string_view> args,
                                     ArgumentRedactor redact) {
  std::vector<bool> redacted(args.size(), false);
  if (redact != nullptr) redact(args, redacted);
  const size_t kept = std::min(args.size(), kSlowlogMaxArgs);
  std::vector<std::string> argv;
  argv.reserve(kept);
  for (size_t i = 0; i < kept; ++i) {
    if (kept != args.size() && i == kept - 1) {
      // The last slot says how many arguments were left out, itself included.
      argv.push_back("... (" + std::to_string(args.size() - kept + 1) + " more arguments)");
    } else if (redacted[i]) {
      argv.emplace_back("(redacted)");
    } else if (args[i].size() > kSlowlogMaxArgBytes) {
      std::string cut(args[i].substr(0, kSlowlogMaxArgBytes));
      cut += "... (" + std::to_string(args[i].size() - kSlowlogMaxArgBytes) + " more bytes)";
      argv.push_back(std::move(cut));
    } else {
      argv.emplace_back(args[i]);
    }
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
