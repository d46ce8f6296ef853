#include "server/config_params.h"

#include <algorithm>
#include <array>
#include <climits>
#include <set>
#include <type_traits>
#include <utility>

#include "io/io_options.h"
#include "store/keyspace_shard.h"
#include "util/ascii.h"
#include "util/glob_match.h"
#include "util/logging.h"
#include "util/memory_units.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

std::string RangeError(int64_t min, int64_t max) {
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
         " inclusive";
}

// A parameter's field is a member of ServerConfig or of one of its sections
// (`io.*` lives in ServerConfig::io); Field() finds it either way.
template <typename Pointer>
struct MemberPointer;
template <typename Struct, typename Type>
struct MemberPointer<Type Struct::*> {
  using Owner = Struct;
  using Value = Type;
};

template <typename Struct, typename Config>  // Config: ServerConfig, const or not
auto& Section(Config& config) {
  if constexpr (std::is_same_v<Struct, IoOptions>) {
    return config.io;
  } else {
    static_assert(std::is_same_v<Struct, ServerConfig>);
    return config;
  }
}

template <auto Member, typename Config>
auto& Field(Config& config) {
  return Section<typename MemberPointer<decltype(Member)>::Owner>(config).*Member;
}

template <auto Member>
using MemberType = typename MemberPointer<decltype(Member)>::Value;

template <auto Member, int64_t kMin, int64_t kMax>
std::string ParseInteger(ServerConfig& config, std::string_view value) {
  auto number = ParseStrictInt64(value);
  if (!number) return "argument couldn't be parsed into an integer";
  if (*number < kMin || *number > kMax) return RangeError(kMin, kMax);
  Field<Member>(config) = static_cast<MemberType<Member>>(*number);
  return {};
}

template <auto Member>
std::string FormatInteger(const ServerConfig& config) {
  return std::to_string(Field<Member>(config));
}

template <auto Member, int64_t kMin>
std::string ParseMemory(ServerConfig& config, std::string_view value) {
  auto bytes = ParseMemoryAmount(value);
  if (!bytes) return "argument must be a memory value";
  if (*bytes < static_cast<uint64_t>(kMin) || *bytes > static_cast<uint64_t>(LLONG_MAX)) {
    return RangeError(kMin, LLONG_MAX);
  }
  Field<Member>(config) = *bytes;
  return {};
}

template <auto Member>
std::string ParseString(ServerConfig& config, std::string_view value) {
  Field<Member>(config) = std::string(value);
  return {};
}

template <auto Member>
std::string FormatString(const ServerConfig& config) {
  return Field<Member>(config);
}

template <auto Member>
std::string ParseYesNo(ServerConfig& config, std::string_view value) {
  if (EqualsIgnoreCase(value, "yes")) {
    Field<Member>(config) = true;
  } else if (EqualsIgnoreCase(value, "no")) {
    Field<Member>(config) = false;
  } else {
    return "argument must be 'yes' or 'no'";
  }
  return {};
}

template <auto Member>
std::string FormatYesNo(const ServerConfig& config) {
  return Field<Member>(config) ? "yes" : "no";
}

std::string ParseBind(ServerConfig& config, std::string_view value) {
  std::vector<std::string> addresses;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t end = value.find(' ', pos);
    if (end == std::string_view::npos) end = value.size();
    if (end > pos) addresses.emplace_back(value.substr(pos, end - pos));
    pos = end + 1;
  }
  if (addresses.empty()) return "bind needs at least one address";
  if (addresses.size() > 16) return "Too many bind addresses specified.";
  config.bind = std::move(addresses);
  return {};
}

std::string FormatBind(const ServerConfig& config) {
  std::string out;
  for (const std::string& address : config.bind) {
    if (!out.empty()) out += ' ';
    out += address;
  }
  return out;
}

std::string ParseLogLevel(ServerConfig& config, std::string_view value) {
  std::string lower(value);
  for (char& c : lower) c = AsciiLower(c);
  if (!IsValidLogLevel(lower)) {
    return "argument(s) must be one of the following: debug, verbose, notice, warning";
  }
  config.loglevel = lower;
  return {};
}

std::string ParseMaxmemoryPolicy(ServerConfig& config, std::string_view value) {
  static constexpr std::string_view kPolicies[] = {
      "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
      "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};
  std::string lower(value);
  for (char& c : lower) c = AsciiLower(c);
  if (std::find(std::begin(kPolicies), std::end(kPolicies), lower) == std::end(kPolicies)) {
    return "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
           "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";
  }
  config.maxmemory_policy = lower;
  return {};
}

std::string ParseOutputLimits(ServerConfig& config, std::string_view value) {
  return ParseOutputBufferLimits(value, config.output_buffer_limits);
}

std::string FormatOutputLimits(const ServerConfig& config) {
  return FormatOutputBufferLimits(config.output_buffer_limits);
}

std::string ParseHz(ServerConfig& config, std::string_view value) {
  std::string error = ParseInteger<&ServerConfig::hz, 0, INT_MAX>(config, value);
  // As in Redis, out-of-range frequencies are clamped rather than refused.
  if (error.empty()) config.hz = std::clamp(config.hz, 1, 500);
  return error;
}

// Until persistence exists, the only values accepted are those that describe no
// persistence; anything else is refused rather than silently ignored.
std::string ParseSave(ServerConfig& config, std::string_view value) {
  if (!value.empty()) return "snapshots are not available yet: only \"\" (no saving) is accepted";
  config.save.clear();
  return {};
}

std::string ParseAppendOnly(ServerConfig& config, std::string_view value) {
  std::string error = ParseYesNo<&ServerConfig::appendonly>(config, value);
  if (error.empty() && config.appendonly) {
    config.appendonly = false;
    return "the append-only file is not available yet: only 'no' is accepted";
  }
  return error;
}

std::string ParseDir(ServerConfig& config, std::string_view value) {
  if (value.empty()) return "dir can't be empty";
  config.dir = std::string(value);
  return {};
}

std::string ParseIoEngine(ServerConfig& config, std::string_view value) {
  for (IoEngineKind kind : {IoEngineKind::kAuto, IoEngineKind::kUring, IoEngineKind::kThreads}) {
    if (EqualsIgnoreCase(value, IoEngineKindName(kind))) {
      config.io.engine = kind;
      return {};
    }
  }
  return "argument(s) must be one of the following: auto, uring, threads";
}

std::string FormatIoEngine(const ServerConfig& config) {
  return std::string(IoEngineKindName(config.io.engine));
}

std::string ParseProtectedAccess(ServerConfig& config, std::string_view value) {
  // Redis 7.0's enum of protected_action_enum, in its order.
  static constexpr std::pair<std::string_view, ProtectedCommandAccess> kValues[] = {
      {"no", ProtectedCommandAccess::kNo},
      {"yes", ProtectedCommandAccess::kYes},
      {"local", ProtectedCommandAccess::kLocal},
  };
  for (const auto& [name, access] : kValues) {
    if (EqualsIgnoreCase(value, name)) {
      config.enable_debug_command = access;
      return {};
    }
  }
  return "argument(s) must be one of the following: no, yes, local";
}

std::string FormatProtectedAccess(const ServerConfig& config) {
  switch (config.enable_debug_command) {
    case ProtectedCommandAccess::kYes:
      return "yes";
    case ProtectedCommandAccess::kLocal:
      return "local";
    case ProtectedCommandAccess::kNo:
      break;
  }
  return "no";
}

// The I/O parameters are startup-only: every worker creates its engine once, when it
// starts, and the storage built on an engine can't change it under its feet.
constexpr std::array<ConfigParam, 33> kParams = {{
    {"bind", "addresses to listen on, separated by spaces", false, ParseBind, FormatBind},
    {"port", "TCP port to listen on", false, ParseInteger<&ServerConfig::port, 0, 65535>,
     FormatInteger<&ServerConfig::port>},
    {"tcp-backlog", "listen() backlog", false, ParseInteger<&ServerConfig::tcp_backlog, 0, INT_MAX>,
     FormatInteger<&ServerConfig::tcp_backlog>},
    {"maxclients", "most simultaneous clients", true,
     ParseInteger<&ServerConfig::maxclients, 1, UINT_MAX>,
     FormatInteger<&ServerConfig::maxclients>},
    {"timeout", "close clients idle this many seconds (0: never)", true,
     ParseInteger<&ServerConfig::timeout_seconds, 0, INT_MAX>,
     FormatInteger<&ServerConfig::timeout_seconds>},
    {"tcp-keepalive", "TCP keepalive interval in seconds (0: off)", true,
     ParseInteger<&ServerConfig::tcp_keepalive_seconds, 0, INT_MAX>,
     FormatInteger<&ServerConfig::tcp_keepalive_seconds>},
    {"requirepass", "password clients must AUTH with (empty: none)", true,
     ParseString<&ServerConfig::requirepass>, FormatString<&ServerConfig::requirepass>},
    {"databases", "number of databases (at most 256: a stored key spends one byte on it)", false,
     ParseInteger<&ServerConfig::databases, 1, kMaxDatabases>,
     FormatInteger<&ServerConfig::databases>},
    {"client-query-buffer-limit", "largest query buffer of one client", true,
     ParseMemory<&ServerConfig::client_query_buffer_limit, 1024 * 1024>,
     FormatInteger<&ServerConfig::client_query_buffer_limit>},
    {"proto-max-bulk-len", "largest single request argument", true,
     ParseMemory<&ServerConfig::proto_max_bulk_len, 1024 * 1024>,
     FormatInteger<&ServerConfig::proto_max_bulk_len>},
    {"client-output-buffer-limit", "output buffer limits per client class", true, ParseOutputLimits,
     FormatOutputLimits},
    {"dir", "data directory", false, ParseDir, FormatString<&ServerConfig::dir>},
    {"logfile", "log file (empty: standard output)", false, ParseString<&ServerConfig::logfile>,
     FormatString<&ServerConfig::logfile>},
    {"loglevel", "debug, verbose, notice or warning", true, ParseLogLevel,
     FormatString<&ServerConfig::loglevel>},
    {"threads", "event-loop threads (0: one per core)", false,
     ParseInteger<&ServerConfig::threads, 0, 1024>, FormatInteger<&ServerConfig::threads>},
    {"hz", "background task frequency", true, ParseHz, FormatInteger<&ServerConfig::hz>},
    {"save", "snapshot rules (persistence is not available yet)", true, ParseSave,
     FormatString<&ServerConfig::save>},
    {"appendonly", "append-only file (persistence is not available yet)", true, ParseAppendOnly,
     FormatYesNo<&ServerConfig::appendonly>},
    {"maxmemory", "memory for the keyspace's index and in-memory log (0: a quarter of RAM)", true,
     ParseMemory<&ServerConfig::maxmemory, 0>, FormatInteger<&ServerConfig::maxmemory>},
    {"maxmemory-policy", "kept for compatibility: Ferrite moves data to disk instead of evicting",
     true, ParseMaxmemoryPolicy, FormatString<&ServerConfig::maxmemory_policy>},
    {"slowlog-log-slower-than", "slow log threshold in microseconds (negative: off, 0: all)", true,
     ParseInteger<&ServerConfig::slowlog_log_slower_than, -1, LLONG_MAX>,
     FormatInteger<&ServerConfig::slowlog_log_slower_than>},
    {"slowlog-max-len", "entries the slow log keeps", true,
     ParseInteger<&ServerConfig::slowlog_max_len, 0, LLONG_MAX>,
     FormatInteger<&ServerConfig::slowlog_max_len>},
    {"latency-monitor-threshold", "LATENCY records commands this many ms or slower (0: off)", true,
     ParseInteger<&ServerConfig::latency_monitor_threshold, 0, LLONG_MAX>,
     FormatInteger<&ServerConfig::latency_monitor_threshold>},
    {"latency-tracking", "per-command latency histograms (LATENCY HISTOGRAM)", true,
     ParseYesNo<&ServerConfig::latency_tracking>, FormatYesNo<&ServerConfig::latency_tracking>},
    {"enable-debug-command", "who may run DEBUG: no, yes or local (loopback clients)", false,
     ParseProtectedAccess, FormatProtectedAccess},
    {"storage.page_size", "log page size (a power of two; the largest record it holds)", false,
     ParseMemory<&ServerConfig::storage_page_size, 4096>,
     FormatInteger<&ServerConfig::storage_page_size>},
    {"storage.segment_size", "log segment file size (a power of two, at least the page size)",
     false, ParseMemory<&ServerConfig::storage_segment_size, 4096>,
     FormatInteger<&ServerConfig::storage_segment_size>},
    {"io.engine", "disk I/O engine: auto (io_uring if usable), uring or threads", false,
     ParseIoEngine, FormatIoEngine},
    {"io.uring_entries", "io_uring submission queue entries per worker thread", false,
     ParseInteger<&IoOptions::uring_entries, 1, 32768>, FormatInteger<&IoOptions::uring_entries>},
    {"io.registered_buffers", "I/O buffers per worker registered with the kernel (64 KiB each)",
     false, ParseInteger<&IoOptions::registered_buffers, 0, 16384>,
     FormatInteger<&IoOptions::registered_buffers>},
    {"io.uring_sqpoll", "a kernel thread polls each io_uring submission queue (costs a core)",
     false, ParseYesNo<&IoOptions::uring_sqpoll>, FormatYesNo<&IoOptions::uring_sqpoll>},
    {"io.direct_io", "open data files with O_DIRECT, bypassing the page cache", false,
     ParseYesNo<&IoOptions::direct_io>, FormatYesNo<&IoOptions::direct_io>},
    {"io.pool_threads", "I/O threads per worker thread for the thread-pool engine", false,
     ParseInteger<&IoOptions::pool_threads, 1, 1024>, FormatInteger<&IoOptions::pool_threads>},
}};

Status SetFailed(std::string_view name, std::string_view reason) {
  std::string message = "ERR CONFIG SET failed (possibly related to argument '";
  message += name;
  message += "') - ";
  message += reason;
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

std::span<const ConfigParam> ConfigParams() { return kParams; }

const ConfigParam* FindConfigParam(std::string_view name) {
  for (const ConfigParam& param : ConfigParams()) {
    if (EqualsIgnoreCase(param.name, name)) return &param;
  }
  return nullptr;
}

Status ApplyConfigChanges(ServerConfig& config, const ConfigPairs& changes, bool at_runtime) {
  // Redis reads values as C strings: a NUL byte ends them. Errors about the name use
  // it as typed; errors about the value use the parameter's own name.
  std::vector<const ConfigParam*> params;
  std::set<const ConfigParam*> seen;
  for (const auto& [typed_name, value] : changes) {
    // Looked up with every byte; printed, like Redis's %s, up to a NUL.
    const ConfigParam* param = FindConfigParam(typed_name);
    std::string_view name = UntilNul(typed_name);
    if (param == nullptr) {
      return Status::InvalidArgument(
          "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'");
    }
    if (at_runtime && !param->mutable_at_runtime) {
      return SetFailed(name, "can't set immutable config");
    }
    if (!seen.insert(param).second) return SetFailed(name, "duplicate parameter");
    params.push_back(param);
  }
  ServerConfig updated = config;
  for (size_t i = 0; i < changes.size(); ++i) {
    std::string error = params[i]->parse(updated, UntilNul(changes[i].second));
    if (!error.empty()) return SetFailed(params[i]->name, error);
  }
  config = std::move(updated);
  return Status::Ok();
}

ConfigPairs MatchConfigParams(const ServerConfig& config,
                              std::span<const std::string_view> patterns) {
  ConfigPairs out;
  std::set<const ConfigParam*> listed;
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("*?[") == std::string_view::npos) {
      // A plain name is looked up, and Redis answers with the name as it was asked.
      const ConfigParam* param = FindConfigParam(pattern);
      if (param != nullptr && listed.insert(param).second) {
        out.emplace_back(std::string(pattern), param->format(config));
      }
      continue;
    }
    for (const ConfigParam& param : ConfigParams()) {
      if (GlobMatch(pattern, param.name, /*nocase=*/true) && listed.insert(&param).second) {
        out.emplace_back(std::string(param.name), param.format(config));
      }
    }
  }
  return out;
}

}  // namespace ferrite
