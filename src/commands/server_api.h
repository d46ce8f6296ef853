// The server-wide services commands use: configuration, INFO, the client list,
// shutdown. Implemented by the server layer (one instance per event-loop thread, so
// that asynchronous answers come back to the caller's thread); declared here so that
// commands never include server code. A coarse seam, called by slow commands only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/server_diagnostics.h"
#include "ferrite/status.h"

namespace ferrite {

class CommandRegistry;
class KeyspaceRouter;
struct CommandSpec;

enum class ClientType : uint8_t { kNormal, kMaster, kReplica, kPubsub };

// Which clients CLIENT LIST / CLIENT KILL select; every field set must match.
struct ClientFilter {
  std::vector<uint64_t> ids;  // empty: any
  std::optional<std::string> addr;
  std::optional<std::string> laddr;
  std::optional<std::string> user;
  std::optional<ClientType> type;
  std::optional<uint64_t> skip_id;  // CLIENT KILL ... SKIPME yes
};

struct ShutdownRequest {
  bool save = false;
  bool nosave = false;
  bool now = false;
  bool force = false;
};

using ConfigPairs = std::vector<std::pair<std::string, std::string>>;

class ServerApi {
 public:
  virtual ~ServerApi() = default;

  virtual const CommandRegistry& commands() const = 0;
  virtual int databases() const = 0;

  // True when `requirepass` is set: new clients start unauthenticated.
  virtual bool PasswordRequired() const = 0;
  // Checks a user/password pair. Only the "default" user exists.
  virtual bool CheckPassword(std::string_view user, std::string_view password) const = 0;

  // CONFIG GET: parameters whose names match any of the glob patterns.
  virtual ConfigPairs ConfigGet(std::span<const std::string_view> patterns) const = 0;
  // CONFIG SET: validates every pair, then applies them all or none. `done` receives
  // the outcome (an error's message is the reply text) on the caller's thread, once
  // every thread uses the new values.
  virtual void ConfigSet(ConfigPairs changes, std::function<void(Status)> done) = 0;
  // CONFIG RESETSTAT: each thread zeroes its own counters; `done` runs on the caller's
  // thread once all have.
  virtual void ResetStats(std::function<void()> done) = 0;

  // INFO text for the given section names (empty: the default sections), passed to
  // `done` on the caller's thread, possibly after gathering figures from every thread.
  // The names are read before Info() returns.
  virtual void Info(std::span<const std::string_view> sections,
                    std::function<void(std::string)> done) = 0;

  // (id, CLIENT LIST line) of the matching clients on every thread, in no order.
  virtual void ListClients(
      ClientFilter filter,
      std::function<void(std::vector<std::pair<uint64_t, std::string>>)> done) = 0;
  // Closes matching clients on every thread; `done` gets how many were matched.
  // The caller itself, if matched, is closed after its reply.
  virtual void KillClients(ClientFilter filter, uint64_t caller_id,
                           std::function<void(size_t)> done) = 0;

  // Starts an orderly shutdown. An error explains a refusal.
  virtual Status Shutdown(const ShutdownRequest& request) = 0;
  // True once a shutdown has been asked for (a long DEBUG SLEEP ends early).
  virtual bool ShutdownRequested() const = 0;

  // Who may run DEBUG (enable-debug-command).
  virtual ProtectedCommandAccess debug_command_access() const = 0;

  // SLOWLOG: the newest `count` entries, newest first; how many there are; RESET.
  virtual std::vector<SlowlogEntry> SlowlogNewest(size_t count) const = 0;
  virtual size_t SlowlogLength() const = 0;
  virtual void SlowlogReset() = 0;

  // LATENCY: every event's samples; RESET of the named events (empty: all), returning
  // how many existed.
  virtual std::vector<LatencyEventSeries> LatencyEvents() const = 0;
  virtual size_t LatencyReset(std::span<const std::string_view> events) = 0;
  // LATENCY HISTOGRAM: a command's latency distribution over every thread; calls == 0
  // when it has none.
  virtual CommandLatencyReport CommandLatency(const CommandSpec& command) const = 0;

  // MONITOR: from now on the client receives a line for every command any client runs.
  // The caller sets the session's `monitor` flag.
  virtual void AddMonitor(uint64_t client_id) = 0;

  // The keyspace's shards, as seen from the calling thread.
  virtual KeyspaceRouter& keyspace_router() = 0;
};

}  // namespace ferrite
