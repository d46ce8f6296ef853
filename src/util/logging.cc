#include "util/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace ferrite {
namespace {

// Writes Redis's one-character level marker.
class RedisLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char marker = '*';
    switch (msg.level) {
      case spdlog::level::trace: marker = '.'; break;
      case spdlog::level::debug: marker = '-'; break;
      case spdlog::level::info: marker = '*'; break;
      default: marker = '#'; break;
    }
    dest.push_back(marker);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RedisLevelFlag>();
  }
};

spdlog::level::level_enum ToSpdlogLevel(std::string_view name) {
  if (name == "debug") return spdlog::level::trace;
  if (name == "verbose") return spdlog::level::debug;
  if (name == "warning") return spdlog::level::warn;
  return spdlog::level::info;
}

}  // namespace

bool IsValidLogLevel(std::string_view name) {
  return name == "debug" || name == "verbose" || name == "notice" || name == "warning";
}

Status ConfigureLogging(std::string_view level, const std::string& file) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (file.empty()) {
      logger = std::make_shared<spdlog::logger>(
          "ferrite", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          "ferrite", std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
    }
  } catch (const spdlog::spdlog_ex& e) {
    return Status::InvalidArgument(std::string("can't open the log file: ") + e.what());
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RedisLevelFlag>('*').set_pattern("%P:M %d %b %Y %H:%M:%S.%e %* %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(ToSpdlogLevel(level));
  // Warnings reach the file at once; routine lines are flushed by the sink's buffer.
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return Status::Ok();
}

void SetLogLevel(std::string_view level) { spdlog::set_level(ToSpdlogLevel(level)); }

}  // namespace ferrite
