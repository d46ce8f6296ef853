#include "util/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace ferrite {
namespace {

TEST(LoggingTest, LevelsAreRedisLevels) {
  for (const char* level : {"debug", "verbose", "notice", "warning"}) EXPECT_TRUE(IsValidLogLevel(level));
  EXPECT_FALSE(IsValidLogLevel("info"));
  EXPECT_FALSE(IsValidLogLevel("NOTICE"));
}

TEST(LoggingTest, LinesLookLikeRedisLines) {
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("ferrite-log-test-" + std::to_string(getpid()));
  ASSERT_TRUE(ConfigureLogging("notice", file.string()).ok());
  spdlog::info("Ready to accept connections tcp");
  spdlog::warn("something odd");
  spdlog::debug("verbose detail that notice hides");
  spdlog::default_logger()->flush();
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string contents = text.str();
  // "1234:M 23 Nov 2026 10:00:00.123 * Ready to accept connections tcp"
  std::regex notice(std::to_string(getpid()) +
                    R"(:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections tcp)");
  EXPECT_TRUE(std::regex_search(contents, notice)) << contents;
  EXPECT_NE(contents.find(" # something odd"), std::string::npos) << contents;
  EXPECT_EQ(contents.find("verbose detail"), std::string::npos);

  SetLogLevel("verbose");
  spdlog::debug("now shown");
  spdlog::default_logger()->flush();
  std::ifstream again(file);
  std::stringstream text2;
  text2 << again.rdbuf();
  EXPECT_NE(text2.str().find(" - now shown"), std::string::npos);
  std::filesystem::remove(file);
  ASSERT_TRUE(ConfigureLogging("notice", "").ok());
}

TEST(LoggingTest, UnwritableFileIsAnError) {
  Status status = ConfigureLogging("notice", "/dev/null/ferrite.log");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("log file"), std::string_view::npos);
}

}  // namespace
}  // namespace ferrite
