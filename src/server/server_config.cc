#include "server/server_config.h"

#include <string_view>

#include "util/ascii.h"
#include "util/memory_units.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

void AppendLimit(std::string& out, std::string_view name, const OutputBufferLimit& limit) {
  if (!out.empty()) out += ' ';
  out += name;
  out += ' ' + std::to_string(limit.hard_bytes);
  out += ' ' + std::to_string(limit.soft_bytes);
  out += ' ' + std::to_string(limit.soft_seconds);
}

}  // namespace

std::string FormatOutputBufferLimits(const OutputBufferLimits& limits) {
  std::string out;
  AppendLimit(out, "normal", limits.normal);
  AppendLimit(out, "slave", limits.replica);
  AppendLimit(out, "pubsub", limits.pubsub);
  return out;
}

std::string ParseOutputBufferLimits(std::string_view text, OutputBufferLimits& limits) {
  std::vector<std::string_view> words = SplitSpaces(text);
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  OutputBufferLimits parsed = limits;
  for (size_t i = 0; i < words.size(); i += 4) {
    OutputBufferLimit* target = nullptr;
    if (EqualsIgnoreCase(words[i], "normal")) {
      target = &parsed.normal;
    } else if (EqualsIgnoreCase(words[i], "slave") || EqualsIgnoreCase(words[i], "replica")) {
      target = &parsed.replica;
    } else if (EqualsIgnoreCase(words[i], "pubsub")) {
      target = &parsed.pubsub;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    auto hard = ParseMemoryAmount(words[i + 1]);
    auto soft = ParseMemoryAmount(words[i + 2]);
    auto seconds = ParseStrictInt64(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    *target = {*hard, *soft, *seconds};
  }
  limits = parsed;
  return {};
}

}  // namespace ferrite
