// Server logging through spdlog, formatted like Redis's log lines so that operators'
// tools keep working: "1234:M 23 Nov 2026 10:00:00.123 * Ready to accept connections tcp".
// Levels are Redis's: debug '.', verbose '-', notice '*', warning '#'. Code logs with
// spdlog's own calls: trace = debug, debug = verbose, info = notice, warn = warning.
#pragma once

#include <string>
#include <string_view>

#include "ferrite/status.h"

namespace ferrite {

// Returns false when `name` is not one of debug, verbose, notice, warning.
bool IsValidLogLevel(std::string_view name);

// Replaces the default logger. An empty `file` logs to standard output.
// Startup only (throws nothing, returns an error when the file cannot be opened).
Status ConfigureLogging(std::string_view level, const std::string& file);

// Changes the level of the current logger (CONFIG SET loglevel).
void SetLogLevel(std::string_view level);

}  // namespace ferrite
