// The configuration parameters: each one's Redis name (Ferrite's own, such as the TOML
// `[io]` section's, are dotted: `io.engine`), how it is parsed into and printed from a
// ServerConfig, and whether CONFIG SET may change it. The TOML file, the command line,
// CONFIG GET and CONFIG SET all go through this one table, so a value is validated the
// same way wherever it comes from.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "commands/server_api.h"
#include "ferrite/status.h"
#include "server/server_config.h"

namespace ferrite {

struct ConfigParam {
  std::string_view name;
  std::string_view description;  // one line, for --help
  bool mutable_at_runtime;
  // Parses `value` into `config`. Returns Redis's wording of the problem, or "".
  std::string (*parse)(ServerConfig& config, std::string_view value);
  std::string (*format)(const ServerConfig& config);
};

std::span<const ConfigParam> ConfigParams();
// Case-insensitive. Null when unknown.
const ConfigParam* FindConfigParam(std::string_view name);

// Applies the pairs to `config`, all or none, with CONFIG SET's checks and error texts
// (unknown name, immutable at run time, duplicate, invalid value).
Status ApplyConfigChanges(ServerConfig& config, const ConfigPairs& changes, bool at_runtime);

// CONFIG GET: the parameters matching any of the glob patterns, each once. A pattern
// without wildcards is a name, echoed as given (Redis does so).
ConfigPairs MatchConfigParams(const ServerConfig& config,
                              std::span<const std::string_view> patterns);

}  // namespace ferrite
