#include "server/config_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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
  status = Apply("[io]\nengine = \"auto\"\n", config);
  EXPECT_EQ(status.message(), "ferrite.toml:2: unknown configuration key 'io.engine'");
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

TEST_F(StartupConfigTest, ShippedExampleFileLoads) {
  auto startup = Load({std::string(FERRITE_SOURCE_DIR) + "/ferrite.toml"});
  ASSERT_TRUE(startup.ok()) << startup.status().ToString();
  EXPECT_FALSE(startup->exit_code.has_value());
  EXPECT_EQ(startup->config.port, 6379);
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
