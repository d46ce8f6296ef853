// Startup configuration: defaults, then the TOML file named on the command line, then
// command-line overrides (`ferrite-server ferrite.toml --port 6380`). Every key is a
// parameter from config_params, so an unknown key or a bad value is an error that
// names it, and nothing is silently ignored.
#pragma once

#include <optional>

#include "ferrite/status.h"
#include "server/server_config.h"

namespace ferrite {

struct StartupConfig {
  ServerConfig config;
  // Set when the process should exit at once (--help, --version, a usage error that
  // the command-line parser already printed), with this status.
  std::optional<int> exit_code;
};

Result<StartupConfig> LoadStartupConfig(int argc, const char* const* argv);

// Applies a TOML document (the contents of a configuration file) to `config`.
// `source_name` names it in error messages.
Status ApplyTomlConfig(std::string_view document, std::string_view source_name,
                       ServerConfig& config);

}  // namespace ferrite
