#include "commands/string_values.h"

#include <locale.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "commands/error_replies.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

Status NotInteger() { return Status::InvalidArgument(std::string(kErrNotInteger)); }

// Redis's MAX_LONG_DOUBLE_CHARS: string2ld copies into a buffer of this size, so longer
// texts are not numbers, and every formatted long double fits in it.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// strtold in the C locale whatever the process's locale is: an embedding application
// may have called setlocale, and a ',' decimal point would change what parses.
locale_t CLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", locale_t{});
  return locale;
}

}  // namespace

Status CheckStringLength(int64_t size, int64_t append) {
  // Written as a subtraction: size + append may overflow for offsets near INT64_MAX,
  // which Redis also reports as too long.
  if (size > kMaxStringSize || append > kMaxStringSize - size) {
    return Status::OutOfRange(std::string(kErrStringTooLong));
  }
  return Status::Ok();
}

Result<int64_t> ParseIncrement(std::string_view arg) {
  auto value = ParseStrictInt64(arg);
  if (!value) return NotInteger();
  return *value;
}

Result<int64_t> ParseDecrement(std::string_view arg) {
  auto value = ParseStrictInt64(arg);
  if (!value) return NotInteger();
  if (*value == INT64_MIN) return Status::OutOfRange(std::string(kErrDecrementOverflow));
  return -*value;
}

Result<int64_t> IncrementBy(std::optional<std::string_view> current, int64_t delta) {
  int64_t value = 0;
  if (current) {
    auto parsed = ParseStrictInt64(*current);
    if (!parsed) return NotInteger();
    value = *parsed;
  }
  if ((delta < 0 && value < 0 && delta < INT64_MIN - value) ||
      (delta > 0 && value > 0 && delta > INT64_MAX - value)) {
    return Status::OutOfRange(std::string(kErrIncrOverflow));
  }
  return value + delta;
}

std::optional<long double> ParseLongDouble(std::string_view text) {
  if (text.empty() || text.size() >= kMaxLongDoubleChars) return std::nullopt;
  // strtold needs a terminated string; the bound above keeps the copy on the stack.
  char buffer[kMaxLongDoubleChars];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  if (std::isspace(static_cast<unsigned char>(buffer[0]))) return std::nullopt;

  char* end = nullptr;
  errno = 0;
  long double value = strtold_l(buffer, &end, CLocale());
  // Stopping early (trailing bytes, or an embedded NUL) means the text is not a number.
  if (static_cast<size_t>(end - buffer) != text.size()) return std::nullopt;
  // Out of range: infinity and zero are refused, a denormal result is kept (as Redis).
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return std::nullopt;
  if (std::isnan(value)) return std::nullopt;
  return value;
}

std::string FormatLongDouble(long double value) {
  // Fixed notation with 17 decimals, as Redis's "%.17Lf": with 64-bit mantissas this
  // writes short decimals back the way they were typed ("0.1" + "0.2" is "0.3").
  // to_chars is printf's format without its dependence on the locale.
  char buffer[kMaxLongDoubleChars];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed, 17);
  (void)ec;  // the largest finite long double takes 4,952 characters here
  size_t length = static_cast<size_t>(end - buffer);
  // Always a '.' with 17 digits after it, so this stops at the point at the latest.
  while (buffer[length - 1] == '0') --length;
  if (buffer[length - 1] == '.') --length;
  if (length == 2 && buffer[0] == '-' && buffer[1] == '0') return "0";
  return std::string(buffer, length);
}

Result<std::string> IncrementByFloat(std::optional<std::string_view> current,
                                     std::string_view increment) {
  long double value = 0;
  if (current) {
    auto parsed = ParseLongDouble(*current);
    if (!parsed) return Status::InvalidArgument(std::string(kErrNotFloat));
    value = *parsed;
  }
  auto delta = ParseLongDouble(increment);
  if (!delta) return Status::InvalidArgument(std::string(kErrNotFloat));
  value += *delta;
  if (std::isnan(value) || std::isinf(value)) {
    return Status::OutOfRange(std::string(kErrIncrNanOrInfinity));
  }
  return FormatLongDouble(value);
}

Result<std::string> Append(std::optional<std::string_view> current, std::string_view suffix) {
  if (!current) return std::string(suffix);
  Status status =
      CheckStringLength(static_cast<int64_t>(current->size()), static_cast<int64_t>(suffix.size()));
  if (!status.ok()) return status;
  std::string value;
  value.reserve(current->size() + suffix.size());
  value.append(*current);
  value.append(suffix);
  return value;
}

Result<int64_t> ParseSetRangeOffset(std::string_view arg) {
  auto offset = ParseStrictInt64(arg);
  if (!offset) return NotInteger();
  if (*offset < 0) return Status::OutOfRange(std::string(kErrOffsetOutOfRange));
  return *offset;
}

Result<SetRangeResult> SetRange(std::optional<std::string_view> current, int64_t offset,
                                std::string_view bytes) {
  int64_t old_length = StringLength(current);
  // Nothing to write: the reply is the length, before any size check.
  if (bytes.empty()) return SetRangeResult{std::nullopt, old_length};
  Status status = CheckStringLength(offset, static_cast<int64_t>(bytes.size()));
  if (!status.ok()) return status;

  size_t end = static_cast<size_t>(offset) + bytes.size();
  std::string value;
  value.reserve(std::max(end, static_cast<size_t>(old_length)));
  if (current) value.append(*current);
  if (value.size() < end) value.resize(end, '\0');
  value.replace(static_cast<size_t>(offset), bytes.size(), bytes);
  int64_t length = static_cast<int64_t>(value.size());
  return SetRangeResult{std::move(value), length};
}

Result<IndexRange> ParseIndexRange(std::string_view start, std::string_view end) {
  auto first = ParseStrictInt64(start);
  if (!first) return NotInteger();
  auto last = ParseStrictInt64(end);
  if (!last) return NotInteger();
  return IndexRange{*first, *last};
}

std::string_view GetRange(std::optional<std::string_view> current, IndexRange range) {
  if (!current) return {};
  std::string_view value = *current;
  int64_t length = static_cast<int64_t>(value.size());
  int64_t start = range.start;
  int64_t end = range.end;
  if (start < 0 && end < 0 && start > end) return {};
  // length is at most a few GiB, so these additions cannot overflow.
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length == 0) return {};
  return value.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

std::string_view StringEncodingOf(std::string_view value) {
  // Redis tries integers only up to 20 bytes, the length of INT64_MIN.
  if (value.size() <= 20 && ParseStrictInt64(value).has_value()) return kEncodingInt;
  return value.size() <= kEmbstrSizeLimit ? kEncodingEmbstr : kEncodingRaw;
}

}  // namespace ferrite
