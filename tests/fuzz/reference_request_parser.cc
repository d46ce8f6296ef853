#include "fuzz/reference_request_parser.h"

#include <climits>
#include <cstdint>
#include <optional>

namespace ferrite::fuzz {
namespace {

using protocol::ParseStatus;

// Redis keeps its query buffer NUL-terminated and looks for line ends with strchr(): the
// first NUL at or after `from` ends the search. Returns npos if `target` is not found.
size_t StrChr(std::string_view data, size_t from, char target) {
  if (from >= data.size()) return std::string_view::npos;
  std::string_view rest = data.substr(from);
  rest = rest.substr(0, rest.find('\0'));
  const size_t hit = rest.find(target);
  return hit == std::string_view::npos ? hit : from + hit;
}

// util.c string2ll(), step by step.
std::optional<int64_t> String2ll(std::string_view s) {
  constexpr size_t kLongStrSize = 21;
  if (s.empty() || s.size() >= kLongStrSize) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  size_t p = 0;
  bool negative = false;
  if (s[p] == '-') {
    negative = true;
    ++p;
    if (p == s.size()) return std::nullopt;
  }
  unsigned long long v;
  if (s[p] >= '1' && s[p] <= '9') {
    v = static_cast<unsigned long long>(s[p] - '0');
    ++p;
  } else {
    return std::nullopt;
  }
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
    if (v > ULLONG_MAX / 10) return std::nullopt;
    v *= 10;
    auto digit = static_cast<unsigned long long>(s[p] - '0');
    if (v > ULLONG_MAX - digit) return std::nullopt;
    v += digit;
    ++p;
  }
  if (p < s.size()) return std::nullopt;
  if (negative) {
    if (v > static_cast<unsigned long long>(-(LLONG_MIN + 1)) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<unsigned long long>(LLONG_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

bool IsSpace(char c) {  // isspace() in the C locale
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexDigitToInt(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// sds.c sdssplitargs(), kept in its C-string form: `p` walks a NUL-terminated copy.
bool SdsSplitArgs(std::string_view text, std::vector<std::string>& out) {
  const std::string line(text);
  const char* p = line.c_str();
  out.clear();
  while (true) {
    while (*p && IsSpace(*p)) p++;
    if (!*p) return true;
    bool inq = false;
    bool insq = false;
    bool done = false;
    std::string current;
    while (!done) {
      if (inq) {
        if (*p == '\\' && *(p + 1) == 'x' && IsHexDigit(*(p + 2)) && IsHexDigit(*(p + 3))) {
          current.push_back(
              static_cast<char>(HexDigitToInt(*(p + 2)) * 16 + HexDigitToInt(*(p + 3))));
          p += 3;
        } else if (*p == '\\' && *(p + 1)) {
          p++;
          char c;
          switch (*p) {
            case 'n':
              c = '\n';
              break;
            case 'r':
              c = '\r';
              break;
            case 't':
              c = '\t';
              break;
            case 'b':
              c = '\b';
              break;
            case 'a':
              c = '\a';
              break;
            default:
              c = *p;
              break;
          }
          current.push_back(c);
        } else if (*p == '"') {
          if (*(p + 1) && !IsSpace(*(p + 1))) return false;
          done = true;
        } else if (!*p) {
          return false;
        } else {
          current.push_back(*p);
        }
      } else if (insq) {
        if (*p == '\\' && *(p + 1) == '\'') {
          p++;
          current.push_back('\'');
        } else if (*p == '\'') {
          if (*(p + 1) && !IsSpace(*(p + 1))) return false;
          done = true;
        } else if (!*p) {
          return false;
        } else {
          current.push_back(*p);
        }
      } else {
        switch (*p) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            inq = true;
            break;
          case '\'':
            insq = true;
            break;
          default:
            current.push_back(*p);
            break;
        }
      }
      if (*p) p++;
    }
    out.push_back(std::move(current));
  }
}

ReferenceOutcome Error(std::string message) {
  ReferenceOutcome outcome;
  outcome.status = ParseStatus::kError;
  outcome.error = "ERR Protocol error: " + std::move(message);
  return outcome;
}

ReferenceOutcome Incomplete(size_t line_start, size_t bytes_wanted = 0) {
  ReferenceOutcome outcome;
  outcome.line_start = line_start;
  outcome.bytes_wanted = bytes_wanted;
  return outcome;
}

ReferenceOutcome Inline(std::string_view data) {
  size_t newline = StrChr(data, 0, '\n');
  if (newline == std::string_view::npos) {
    if (data.size() > protocol::kInlineMaxSize) return Error("too big inline request");
    return Incomplete(0);
  }
  size_t length = newline;
  if (length > 0 && data[length - 1] == '\r') --length;
  ReferenceOutcome outcome;
  if (!SdsSplitArgs(data.substr(0, length), outcome.args)) {
    return Error("unbalanced quotes in request");
  }
  outcome.status = ParseStatus::kComplete;
  outcome.consumed = newline + 1;
  return outcome;
}

ReferenceOutcome Multibulk(std::string_view data, const protocol::ParserLimits& limits) {
  size_t newline = StrChr(data, 0, '\r');
  if (newline == std::string_view::npos) {
    if (data.size() > protocol::kInlineMaxSize) return Error("too big mbulk count string");
    return Incomplete(0);
  }
  // The buffer must also hold the byte after '\r' (assumed to be '\n').
  if (newline + 2 > data.size()) return Incomplete(newline + 2);
  std::optional<int64_t> count = String2ll(data.substr(1, newline - 1));
  if (!count || *count > INT_MAX) return Error("invalid multibulk length");
  if (*count > 10 && !limits.authenticated) return Error("unauthenticated multibulk length");
  size_t pos = newline + 2;

  ReferenceOutcome outcome;
  for (int64_t i = 0; i < *count; ++i) {
    newline = StrChr(data, pos, '\r');
    if (newline == std::string_view::npos) {
      if (data.size() - pos > protocol::kInlineMaxSize) return Error("too big bulk count string");
      return Incomplete(pos);
    }
    if (newline + 2 > data.size()) return Incomplete(newline + 2);
    if (data[pos] != '$') return Error(std::string("expected '$', got '") + data[pos] + "'");
    std::optional<int64_t> length = String2ll(data.substr(pos + 1, newline - pos - 1));
    if (!length || *length < 0 || *length > limits.max_bulk_length) {
      return Error("invalid bulk length");
    }
    if (*length > 16384 && !limits.authenticated) return Error("unauthenticated bulk length");
    pos = newline + 2;
    auto bulk = static_cast<size_t>(*length);
    if (data.size() - pos < bulk + 2) return Incomplete(pos + bulk + 2, pos + bulk + 2);
    outcome.args.emplace_back(data.substr(pos, bulk));
    pos += bulk + 2;
  }
  outcome.status = ParseStatus::kComplete;
  outcome.consumed = pos;
  return outcome;
}

}  // namespace

ReferenceOutcome ReferenceParse(std::string_view data, const protocol::ParserLimits& limits) {
  if (data.empty()) return Incomplete(0);
  return data[0] == '*' ? Multibulk(data, limits) : Inline(data);
}

}  // namespace ferrite::fuzz
