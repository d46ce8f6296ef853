#include "common/size_argument.h"

#include <algorithm>
#include <cctype>

#include "util/memory_units.h"

namespace ferrite::bench {

std::optional<uint64_t> ParseSizeArgument(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.size() > 3 && text.ends_with("ib")) text.erase(text.size() - 2, 1);  // gib -> gb
  return ParseMemoryAmount(text);
}

CLI::Validator SizeValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return ParseSizeArgument(text) ? "" : "not a size (e.g. 1GiB, 64MiB, 4096): " + text;
      },
      "SIZE");
}

}  // namespace ferrite::bench
