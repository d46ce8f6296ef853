#include "server/config_params.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

Status Set(ServerConfig& config, ConfigPairs pairs, bool at_runtime = true) {
  return ApplyConfigChanges(config, pairs, at_runtime);
}

TEST(ConfigParamsTest, EveryParameterRoundTrips) {
  ServerConfig config;
  for (const ConfigParam& param : ConfigParams()) {
    std::string value = param.format(config);
    ServerConfig copy = config;
    EXPECT_EQ(param.parse(copy, value), "") << param.name << " = '" << value << "'";
    EXPECT_EQ(param.format(copy), value) << param.name;
    EXPECT_EQ(FindConfigParam(param.name), &param);
  }
  EXPECT_EQ(FindConfigParam("MAXCLIENTS")->name, "maxclients");
  EXPECT_EQ(FindConfigParam("nosuch"), nullptr);
}

TEST(ConfigParamsTest, ValuesUseRedisSyntax) {
  ServerConfig config;
  ASSERT_TRUE(Set(config, {{"client-query-buffer-limit", "2gb"},
                           {"proto-max-bulk-len", "1mb"},
                           {"maxclients", "50"},
                           {"requirepass", "pw"},
                           {"loglevel", "WARNING"}})
                  .ok());
  EXPECT_EQ(config.client_query_buffer_limit, 2ull << 30);
  EXPECT_EQ(config.proto_max_bulk_len, 1ull << 20);
  EXPECT_EQ(config.maxclients, 50);
  EXPECT_EQ(config.requirepass, "pw");
  EXPECT_EQ(config.loglevel, "warning");
  ASSERT_TRUE(Set(config, {{"hz", "1000"}}).ok());
  EXPECT_EQ(config.hz, 500) << "clamped as Redis clamps it";
  ASSERT_TRUE(Set(config, {{"bind", "127.0.0.1 ::1"}}, /*at_runtime=*/false).ok());
  EXPECT_EQ(config.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
}

TEST(ConfigParamsTest, IoParametersFillIoOptions) {
  ServerConfig config;
  EXPECT_EQ(FindConfigParam("io.engine")->format(config), "auto");
  EXPECT_EQ(FindConfigParam("io.uring_entries")->format(config), "256");
  EXPECT_EQ(FindConfigParam("io.registered_buffers")->format(config), "64");
  EXPECT_EQ(FindConfigParam("io.uring_sqpoll")->format(config), "no");
  EXPECT_EQ(FindConfigParam("io.direct_io")->format(config), "yes");
  EXPECT_EQ(FindConfigParam("io.pool_threads")->format(config), "8");
  ASSERT_TRUE(Set(config,
                  {{"io.engine", "THREADS"},
                   {"io.uring_entries", "1024"},
                   {"io.registered_buffers", "0"},
                   {"io.uring_sqpoll", "yes"},
                   {"io.direct_io", "no"},
                   {"io.pool_threads", "2"}},
                  /*at_runtime=*/false)
                  .ok());
  EXPECT_EQ(config.io.engine, IoEngineKind::kThreads);
  EXPECT_EQ(config.io.uring_entries, 1024u);
  EXPECT_EQ(config.io.registered_buffers, 0u);
  EXPECT_TRUE(config.io.uring_sqpoll);
  EXPECT_FALSE(config.io.direct_io);
  EXPECT_EQ(config.io.pool_threads, 2u);
  ASSERT_TRUE(Set(config, {{"io.engine", "uring"}}, false).ok());
  EXPECT_EQ(config.io.engine, IoEngineKind::kUring);
}

TEST(ConfigParamsTest, IoParametersAreCheckedAndStartupOnly) {
  ServerConfig config;
  auto message = [&](ConfigPairs pairs, bool at_runtime) {
    return std::string(Set(config, pairs, at_runtime).message());
  };
  EXPECT_EQ(message({{"io.engine", "fast"}}, false),
            "ERR CONFIG SET failed (possibly related to argument 'io.engine') - argument(s) must "
            "be one of the following: auto, uring, threads");
  EXPECT_EQ(message({{"io.uring_entries", "0"}}, false),
            "ERR CONFIG SET failed (possibly related to argument 'io.uring_entries') - argument "
            "must be between 1 and 32768 inclusive");
  EXPECT_EQ(message({{"io.registered_buffers", "-1"}}, false),
            "ERR CONFIG SET failed (possibly related to argument 'io.registered_buffers') - "
            "argument must be between 0 and 16384 inclusive");
  EXPECT_EQ(message({{"io.pool_threads", "0"}}, false),
            "ERR CONFIG SET failed (possibly related to argument 'io.pool_threads') - argument "
            "must be between 1 and 1024 inclusive");
  EXPECT_EQ(message({{"io.direct_io", "maybe"}}, false),
            "ERR CONFIG SET failed (possibly related to argument 'io.direct_io') - argument must "
            "be 'yes' or 'no'");
  for (const char* name : {"io.engine", "io.uring_entries", "io.registered_buffers",
                           "io.uring_sqpoll", "io.direct_io", "io.pool_threads"}) {
    std::string value = FindConfigParam(name)->format(config);
    EXPECT_EQ(message({{name, value}}, true),
              "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
                  "') - can't set immutable config");
  }
  EXPECT_EQ(config.io.engine, IoEngineKind::kAuto) << "nothing applied";
}

TEST(ConfigParamsTest, DiagnosticsSettings) {
  ServerConfig config;
  EXPECT_EQ(config.slowlog_log_slower_than, 10000);
  EXPECT_EQ(config.slowlog_max_len, 128u);
  EXPECT_EQ(config.latency_monitor_threshold, 0);
  EXPECT_TRUE(config.latency_tracking);
  EXPECT_EQ(config.enable_debug_command, ProtectedCommandAccess::kNo);
  ASSERT_TRUE(Set(config, {{"slowlog-log-slower-than", "-1"},
                           {"slowlog-max-len", "0"},
                           {"latency-monitor-threshold", "100"},
                           {"latency-tracking", "no"}})
                  .ok());
  EXPECT_EQ(config.slowlog_log_slower_than, -1);
  EXPECT_EQ(config.slowlog_max_len, 0u);
  EXPECT_EQ(config.latency_monitor_threshold, 100);
  EXPECT_FALSE(config.latency_tracking);
  auto message = [&](ConfigPairs pairs) { return std::string(Set(config, pairs).message()); };
  EXPECT_EQ(message({{"slowlog-log-slower-than", "-2"}}),
            "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
            "argument must be between -1 and 9223372036854775807 inclusive");
  EXPECT_EQ(message({{"slowlog-max-len", "-1"}}),
            "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument "
            "must be between 0 and 9223372036854775807 inclusive");
  EXPECT_EQ(message({{"enable-debug-command", "yes"}}),
            "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - "
            "can't set immutable config");
}

TEST(ConfigParamsTest, EnableDebugCommandAtStartup) {
  ServerConfig config;
  for (auto [text, access] : {std::pair{"yes", ProtectedCommandAccess::kYes},
                              std::pair{"LOCAL", ProtectedCommandAccess::kLocal},
                              std::pair{"no", ProtectedCommandAccess::kNo}}) {
    ASSERT_TRUE(ApplyConfigChanges(config, {{"enable-debug-command", text}}, false).ok());
    EXPECT_EQ(config.enable_debug_command, access);
  }
  ASSERT_TRUE(ApplyConfigChanges(config, {{"enable-debug-command", "local"}}, false).ok());
  EXPECT_EQ(FindConfigParam("enable-debug-command")->format(config), "local");
  EXPECT_EQ(ApplyConfigChanges(config, {{"enable-debug-command", "maybe"}}, false).message(),
            "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - "
            "argument(s) must be one of the following: no, yes, local");
}

TEST(ConfigParamsTest, ErrorsUseRedisWording) {
  ServerConfig config;
  auto message = [&](ConfigPairs pairs) { return std::string(Set(config, pairs).message()); };
  EXPECT_EQ(message({{"maxclients", "x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
            "couldn't be parsed into an integer");
  EXPECT_EQ(message({{"maxclients", "0"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must "
            "be between 1 and 4294967295 inclusive");
  EXPECT_EQ(message({{"client-query-buffer-limit", "1"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - "
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(message({{"client-query-buffer-limit", "lots"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - "
            "argument must be a memory value");
  EXPECT_EQ(message({{"loglevel", "loud"}}),
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must "
            "be one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(message({{"client-output-buffer-limit", "foo 1 2 3"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(message({{"nosuch", "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(message({{"port", "6380"}}),
            "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
            "config");
  EXPECT_EQ(message({{"timeout", "1"}, {"TIMEOUT", "2"}}),
            "ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter");
  EXPECT_EQ(message({{"MaxClients", "x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
            "couldn't be parsed into an integer")
      << "value errors name the parameter itself";
  EXPECT_EQ(message({{std::string("no\0such", 7), "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'no'");
  EXPECT_EQ(message({{std::string("timeout\0", 8), "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'timeout'")
      << "names are looked up with every byte";
  EXPECT_EQ(message({{"appendonly", "maybe"}}),
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must "
            "be 'yes' or 'no'");
}

TEST(ConfigParamsTest, PersistenceSettingsOnlyDescribeNoPersistence) {
  ServerConfig config;
  EXPECT_TRUE(Set(config, {{"appendonly", "no"}, {"save", ""}}).ok());
  EXPECT_EQ(Set(config, {{"appendonly", "yes"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - the append-only "
            "file is not available yet: only 'no' is accepted");
  EXPECT_FALSE(config.appendonly);
  EXPECT_FALSE(Set(config, {{"save", "3600 1"}}, /*at_runtime=*/false).ok());
}

TEST(ConfigParamsTest, ValuesEndAtNul) {
  ServerConfig config;
  ASSERT_TRUE(Set(config, {{"loglevel", std::string("warning\0x", 9)}}).ok());
  EXPECT_EQ(config.loglevel, "warning");
}

TEST(ConfigParamsTest, ChangesAreAllOrNothing) {
  ServerConfig config;
  EXPECT_FALSE(Set(config, {{"maxclients", "10"}, {"timeout", "x"}}).ok());
  EXPECT_EQ(config.maxclients, 10000);
  EXPECT_EQ(config.timeout_seconds, 0);
}

TEST(ConfigParamsTest, ImmutableParametersAreSettableAtStartup) {
  ServerConfig config;
  ASSERT_TRUE(Set(config, {{"port", "6390"}, {"databases", "4"}, {"threads", "3"}},
                  /*at_runtime=*/false)
                  .ok());
  EXPECT_EQ(config.port, 6390);
  EXPECT_EQ(config.databases, 4);
  EXPECT_EQ(config.threads, 3);
  EXPECT_EQ(Set(config, {{"port", "65536"}}, false).message(),
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be "
            "between 0 and 65535 inclusive");
}

TEST(ConfigParamsTest, GetMatchesGlobsOnce) {
  ServerConfig config;
  std::string_view patterns[] = {"max*", "*clients", "TIMEOUT"};
  ConfigPairs pairs = MatchConfigParams(config, patterns);
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"maxclients", "10000"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"maxmemory", "0"}));
  EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"maxmemory-policy", "noeviction"}));
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"TIMEOUT", "0"}))
      << "a plain name comes back as it was asked";
  std::string_view none[] = {"zzz*"};
  EXPECT_TRUE(MatchConfigParams(config, none).empty());
}

}  // namespace
}  // namespace ferrite
