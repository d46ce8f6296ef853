// ASCII case helpers: Redis command names, options and keywords are case-insensitive
// in the C locale, whatever the process locale is.
#pragma once

#include <string>
#include <string_view>

namespace ferrite {

constexpr char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
constexpr char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Redis reads many arguments as C strings (strcasecmp, printf's %s): for those, a NUL
// byte ends the text. Applying this where Redis does keeps replies identical.
constexpr std::string_view UntilNul(std::string_view text) {
  return text.substr(0, text.find('\0'));
}

inline std::string AsciiToUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiUpper(c);
  return out;
}

}  // namespace ferrite
