// MONITOR: how a command is shown to monitoring clients, and a worker's outgoing lines.
// A worker formats the line of each command its clients ran once and queues it for
// every worker that has monitors; before the loop sleeps, each worker's batch goes out
// as one task posted to that worker's loop, which writes it to its monitors. So lines
// from one client arrive in the order its commands ran, and a busy server with a
// monitor pays one message per loop iteration and worker, not one per command.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_spec.h"

namespace ferrite {

// Appends `arg` in double quotes, escaped as Redis's sdscatrepr escapes it: \" \\ \n
// \r \t \a \b, other bytes outside printable ASCII as \xHH.
void AppendQuotedArgument(std::string& out, std::string_view arg);

// `+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"` and CRLF: the time the command
// finished (microseconds since the epoch), the client's database and address, and the
// arguments as sent, those `redact` marks replaced by "(redacted)".
std::string FormatMonitorLine(int64_t unix_micros, int db, std::string_view peer,
                              std::span<const std::string_view> args, ArgumentRedactor redact);

// A worker's lines for the monitors on each worker, gathered during one loop iteration.
// Owner thread only.
class MonitorFeed {
 public:
  void Add(size_t worker, std::string_view line) {
    if (worker >= pending_.size()) pending_.resize(worker + 1);
    pending_[worker] += line;
  }
  // Hands every non-empty batch to `send(worker, text)` and starts new batches.
  template <typename Send>
  void Flush(Send&& send) {
    for (size_t worker = 0; worker < pending_.size(); ++worker) {
      if (pending_[worker].empty()) continue;
      send(worker, std::move(pending_[worker]));
      pending_[worker] = std::string();
    }
  }

 private:
  std::vector<std::string> pending_;  // by destination worker
};

}  // namespace ferrite
