#include "util/memory_units.h"

#include <array>
#include <utility>

#include "util/ascii.h"

namespace ferrite {

std::optional<uint64_t> ParseMemoryAmount(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;

  static constexpr std::array<std::pair<std::string_view, uint64_t>, 8> kUnits{{
      {"", 1},
      {"b", 1},
      {"k", 1000},
      {"kb", 1024},
      {"m", 1000 * 1000},
      {"mb", 1024 * 1024},
      {"g", 1000ull * 1000 * 1000},
      {"gb", 1024ull * 1024 * 1024},
  }};
  std::string_view unit = text.substr(digits);
  uint64_t multiplier = 0;
  for (const auto& [name, value] : kUnits) {
    if (EqualsIgnoreCase(unit, name)) multiplier = value;
  }
  if (multiplier == 0) return std::nullopt;

  uint64_t number = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (number > (UINT64_MAX - digit) / 10) return std::nullopt;
    number = number * 10 + digit;
  }
  if (number > UINT64_MAX / multiplier) return std::nullopt;
  return number * multiplier;
}

}  // namespace ferrite
