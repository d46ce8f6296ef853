#include "server/config_loader.h"

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "server/config_params.h"

namespace ferrite {
namespace {

// The Redis-style text of a TOML value: integers in decimal, booleans as yes/no,
// arrays as space-separated words. Returns false for values no parameter takes.
bool TomlValueToText(const toml::node& node, std::string& out) {
  if (auto text = node.value<std::string>(); text && node.is_string()) {
    out = *text;
    return true;
  }
  if (node.is_integer()) {
    out = std::to_string(*node.value<int64_t>());
    return true;
  }
  if (node.is_boolean()) {
    out = *node.value<bool>() ? "yes" : "no";
    return true;
  }
  if (const toml::array* array = node.as_array()) {
    out.clear();
    for (const toml::node& element : *array) {
      std::string word;
      if (element.is_array() || element.is_table() || !TomlValueToText(element, word)) {
        return false;
      }
      if (!out.empty()) out += ' ';
      out += word;
    }
    return true;
  }
  return false;
}

std::string Where(std::string_view source_name, const toml::node& node) {
  std::string where(source_name);
  where += ":" + std::to_string(node.source().begin.line);
  return where;
}

Status ApplyTable(const toml::table& table, const std::string& prefix,
                  std::string_view source_name, ServerConfig& config) {
  for (const auto& [key, node] : table) {
    std::string name = prefix + std::string(key.str());
    if (const toml::table* section = node.as_table()) {
      Status status = ApplyTable(*section, name + ".", source_name, config);
      if (!status.ok()) return status;
      continue;
    }
    const ConfigParam* param = FindConfigParam(name);
    if (param == nullptr) {
      return Status::InvalidArgument(Where(source_name, node) +
                                     ": unknown configuration key '" + name + "'");
    }
    std::string text;
    if (!TomlValueToText(node, text)) {
      return Status::InvalidArgument(Where(source_name, node) + ": bad value for '" + name +
                                     "': expected a string, an integer, a boolean or a list");
    }
    std::string error = param->parse(config, text);
    if (!error.empty()) {
      return Status::InvalidArgument(Where(source_name, node) + ": bad value for '" + name +
                                     "': " + error);
    }
  }
  return Status::Ok();
}

}  // namespace

Status ApplyTomlConfig(std::string_view document, std::string_view source_name,
                       ServerConfig& config) {
  toml::table table;
  try {
    table = toml::parse(document, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << source_name << ":" << e.source().begin.line << ":" << e.source().begin.column
            << ": " << e.description();
    return Status::InvalidArgument(message.str());
  }
  return ApplyTable(table, "", source_name, config);
}

Result<StartupConfig> LoadStartupConfig(int argc, const char* const* argv) {
  StartupConfig startup;
  CLI::App app{"Ferrite: a Redis-compatible key-value server for data larger than memory.",
               "ferrite-server"};
  app.set_version_flag("--version", "ferrite-server " FERRITE_VERSION);
  std::string config_path;
  app.add_option("config", config_path, "TOML configuration file")->check(CLI::ExistingFile);

  // Overrides are applied after the file, in the order given.
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const ConfigParam& param : ConfigParams()) {
    std::string name(param.name);
    app.add_option_function<std::string>(
        "--" + name,
        [&overrides, name](const std::string& value) { overrides.emplace_back(name, value); },
        std::string(param.description));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; usage errors exit 1, like every other startup error.
    startup.exit_code = app.exit(e) == 0 ? 0 : 1;
    return startup;
  }

  if (!config_path.empty()) {
    std::ifstream file(config_path, std::ios::binary);
    if (!file.is_open()) {
      return Status::InvalidArgument("can't open configuration file " + config_path);
    }
    std::stringstream contents;
    contents << file.rdbuf();
    Status status = ApplyTomlConfig(contents.str(), config_path, startup.config);
    if (!status.ok()) return status;
    startup.config.config_file = std::filesystem::absolute(config_path).string();
  }
  for (const auto& [name, value] : overrides) {
    std::string error = FindConfigParam(name)->parse(startup.config, value);
    if (!error.empty()) {
      return Status::InvalidArgument("bad value for '--" + name + "': " + error);
    }
  }
  return startup;
}

}  // namespace ferrite
