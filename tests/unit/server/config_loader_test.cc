#include "server/config_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace ferrite {
namespace {

Status Apply(std::string_view toml, ServerConfig& config) {
  return ApplyTomlConfig(toml, "ferrite.toml", config);
}

TEST(ConfigLoaderTest, AppliesTomlValues) {
  ServerConfig config;
  ASSERT_TRUE(Apply(R"(
      port = 6380
      maxclients = 123
      requirepass = "pw"
      client-query-buffer-limit = "2mb"
      proto-max-bulk-len = 2097152
      bind = ["127.0.0.1", "::1"]
      appendonly = false
      client-output-buffer-limit = "normal 1mb 0 0"
  )", config).ok());
  EXPECT_EQ(config.port, 6380);
  EXPECT_EQ(config.maxclients, 123);
  EXPECT_EQ(config.requirepass, "pw");
  EXPECT_EQ(config.client_query_buffer_limit, 2u << 20);
  EXPECT_EQ(config.proto_max_bulk_len, 2u << 20);
  EXPECT_EQ(config.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_FALSE(config.appendonly);
  EXPECT_EQ(config.output_buffer_limits.normal.hard_bytes, 1u << 20);
}

TEST(ConfigLoaderTest, UnknownKeysNameKeyAndLine) {
  ServerConfig config;
  Status status = Apply("port = 1\n\nmaxclientz = 5\n", config);
  EXPECT_EQ(status.message(), "ferrite.toml:3: unknown configuration key 'maxclientz'");
  status = Apply("[io]\nengine = \"auto\"\nengines = 2\n", config);
  EXPECT_EQ(status.message(), "ferrite.toml:3: unknown configuration key 'io.engines'");
  status = Apply("[storage]\nengine = \"auto\"\n", config);
  EXPECT_EQ(status.message(), "ferrite.toml:2: unknown configuration key 'storage.engine'");
}

TEST(ConfigLoaderTest, IoSectionFillsIoOptions) {
  ServerConfig config;
  ASSERT_TRUE(Apply(R"(
      port = 6380
      [io]
      engine = "threads"
      uring_entries = 512
      registered_buffers = 16
      uring_sqpoll = true
      direct_io = false
      pool_threads = 4
  )", config).ok());
  EXPECT_EQ(config.port, 6380);
  EXPECT_EQ(config.io.engine, IoEngineKind::kThreads);
  EXPECT_EQ(config.io.uring_entries, 512u);
  EXPECT_EQ(config.io.registered_buffers, 16u);
  EXPECT_TRUE(config.io.uring_sqpoll);
  EXPECT_FALSE(config.io.direct_io);
  EXPECT_EQ(config.io.pool_threads, 4u);
  EXPECT_EQ(Apply("[io]\nengine = \"fast\"\n", config).message(),
            "ferrite.toml:2: bad value for 'io.engine': argument(s) must be one of the "
            "following: auto, uring, threads");
  EXPECT_EQ(Apply("[io]\npool_threads = 0\n", config).message(),
            "ferrite.toml:2: bad value for 'io.pool_threads': argument must be between 1 and "
            "1024 inclusive");
  EXPECT_EQ(Apply("[io]\nuring_sqpoll = \"sometimes\"\n", config).message(),
            "ferrite.toml:2: bad value for 'io.uring_sqpoll': argument must be 'yes' or 'no'");
}

TEST(ConfigLoaderTest, BadValuesNameKeyAndReason) {
  ServerConfig config;
  EXPECT_EQ(Apply("port = 70000", config).message(),
            "ferrite.toml:1: bad value for 'port': argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(Apply("maxclients = \"abc\"", config).message(),
            "ferrite.toml:1: bad value for 'maxclients': argument couldn't be parsed into an integer");
  EXPECT_EQ(Apply("timeout = 1.5", config).message(),
            "ferrite.toml:1: bad value for 'timeout': expected a string, an integer, a boolean or a list");
  EXPECT_EQ(Apply("bind = [[\"a\"]]", config).message(),
            "ferrite.toml:1: bad value for 'bind': expected a string, an integer, a boolean or a list");
}

TEST(ConfigLoaderTest, SyntaxErrorsPointAtTheProblem) {
  ServerConfig config;
  Status status = Apply("port = \n", config);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("ferrite.toml:1:", 0), 0u) << status.message();
}

class StartupConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("ferrite-config-test-" + std::to_string(getpid()) + ".toml");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  Result<StartupConfig> Load(std::vector<std::string> args) {
    args.insert(args.begin(), "ferrite-server");
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return LoadStartupConfig(static_cast<int>(argv.size()), argv.data());
  }
  std::filesystem::path path_;
};

TEST_F(StartupConfigTest, CommandLineOverridesTheFile) {
  std::ofstream(path_) << "maxclients = 100\ntimeout = 5\n";
  auto startup = Load({path_.string(), "--maxclients", "7", "--port", "6390"});
  ASSERT_TRUE(startup.ok()) << startup.status().ToString();
  EXPECT_FALSE(startup->exit_code.has_value());
  EXPECT_EQ(startup->config.maxclients, 7);
  EXPECT_EQ(startup->config.timeout_seconds, 5);
  EXPECT_EQ(startup->config.port, 6390);
  EXPECT_EQ(startup->config.config_file, std::filesystem::absolute(path_).string());
}

TEST_F(StartupConfigTest, IoOverridesUseDottedNames) {
  std::ofstream(path_) << "[io]\nengine = \"uring\"\npool_threads = 3\n";
  auto startup = Load({path_.string(), "--io.engine", "threads", "--io.uring_sqpoll", "yes"});
  ASSERT_TRUE(startup.ok()) << startup.status().ToString();
  EXPECT_FALSE(startup->exit_code.has_value());
  EXPECT_EQ(startup->config.io.engine, IoEngineKind::kThreads);
  EXPECT_EQ(startup->config.io.pool_threads, 3u);
  EXPECT_TRUE(startup->config.io.uring_sqpoll);
  auto bad = Load({"--io.engine", "fast"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "bad value for '--io.engine': argument(s) must be one of the following: auto, uring, "
            "threads");
}

TEST_F(StartupConfigTest, ShippedExampleFileLoads) {
  auto startup = Load({std::string(FERRITE_SOURCE_DIR) + "/ferrite.toml"});
  ASSERT_TRUE(startup.ok()) << startup.status().ToString();
  EXPECT_FALSE(startup->exit_code.has_value());
  EXPECT_EQ(startup->config.port, 6379);
  // The example spells out the [io] defaults.
  std::ifstream file(std::string(FERRITE_SOURCE_DIR) + "/ferrite.toml");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const char* line : {"\n[io]\n", "\nengine = ", "\nuring_entries = ",
                           "\nregistered_buffers = ", "\nuring_sqpoll = ", "\ndirect_io = ",
                           "\npool_threads = "}) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  IoOptions defaults;
  EXPECT_EQ(startup->config.io.engine, defaults.engine);
  EXPECT_EQ(startup->config.io.uring_entries, defaults.uring_entries);
  EXPECT_EQ(startup->config.io.registered_buffers, defaults.registered_buffers);
  EXPECT_EQ(startup->config.io.uring_sqpoll, defaults.uring_sqpoll);
  EXPECT_EQ(startup->config.io.direct_io, defaults.direct_io);
  EXPECT_EQ(startup->config.io.pool_threads, defaults.pool_threads);
}

TEST_F(StartupConfigTest, DefaultsWithoutArguments) {
  auto startup = Load({});
  ASSERT_TRUE(startup.ok());
  EXPECT_EQ(startup->config.port, 6379);
  EXPECT_EQ(startup->config.bind, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_TRUE(startup->config.config_file.empty());
}

TEST_F(StartupConfigTest, BadOverrideNamesTheOption) {
  auto startup = Load({"--maxclients", "lots"});
  ASSERT_FALSE(startup.ok());
  EXPECT_EQ(startup.status().message(),
            "bad value for '--maxclients': argument couldn't be parsed into an integer");
}

TEST_F(StartupConfigTest, HelpAndUsageErrorsExit) {
  auto help = Load({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ(help->exit_code, 0);
  auto unknown = Load({"--no-such-option", "1"});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->exit_code, 1);
  auto missing = Load({"/nonexistent/ferrite.toml"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->exit_code, 1);
}

}  // namespace
}  // namespace ferrite
