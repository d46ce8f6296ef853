#include "util/strict_int.h"

#include <algorithm>
#include <charconv>

namespace ferrite {

std::optional<int64_t> ParseStrictInt64(std::string_view text) {
  // Longest valid input is "-9223372036854775808": 20 characters.
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (text.size() == 1 && text[0] == '0') return 0;

  size_t pos = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    pos = 1;
    if (text.size() == 1) return std::nullopt;
  }
  // The first digit must be 1-9: this rejects leading zeros and "-0".
  if (text[pos] < '1' || text[pos] > '9') return std::nullopt;

  // Accumulate the magnitude as unsigned so INT64_MIN's magnitude fits. At most 20
  // digits reach here and 19 digits fit in a uint64_t, so only the 20th can overflow:
  // check that one alone rather than divide at every digit (this parses every bulk
  // and multibulk length the server receives).
  uint64_t magnitude = 0;
  size_t digits = text.size() - pos;
  size_t safe_end = pos + std::min<size_t>(digits, 19);
  for (; pos < safe_end; ++pos) {
    unsigned digit = static_cast<unsigned char>(text[pos]) - '0';
    if (digit > 9) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (pos < text.size()) {
    unsigned digit = static_cast<unsigned char>(text[pos]) - '0';
    if (digit > 9 || magnitude > (UINT64_MAX - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    // Negate in unsigned arithmetic: well defined for INT64_MIN's magnitude too.
    return static_cast<int64_t>(0 - magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

size_t FormatInt64(int64_t value, char* out) {
  auto [end, ec] = std::to_chars(out, out + 20, value);
  (void)ec;  // 20 bytes always suffice for an int64_t.
  return static_cast<size_t>(end - out);
}

}  // namespace ferrite
