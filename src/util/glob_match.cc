#include "util/glob_match.h"

#include <cstddef>
#include <utility>

#include "util/ascii.h"

namespace ferrite {
namespace {

char Fold(char c, bool nocase) { return nocase ? AsciiLower(c) : c; }

// Matches the single-character token that starts at pattern[p] (a literal, an
// escape, '?' or a bracket set) against `c`. Sets *token_len to the token's length.
// An unterminated '[' set extends to the end of the pattern, as in Redis.
bool MatchToken(std::string_view pattern, size_t p, char c, bool nocase, size_t* token_len) {
  char head = pattern[p];
  if (head == '?') {
    *token_len = 1;
    return true;
  }
  if (head == '\\' && p + 1 < pattern.size()) {
    *token_len = 2;
    return Fold(pattern[p + 1], nocase) == Fold(c, nocase);
  }
  if (head != '[') {
    *token_len = 1;
    return Fold(head, nocase) == Fold(c, nocase);
  }

  size_t i = p + 1;
  bool negate = i < pattern.size() && pattern[i] == '^';
  if (negate) ++i;
  bool matched = false;
  char folded = Fold(c, nocase);
  while (i < pattern.size() && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      if (Fold(pattern[i + 1], nocase) == folded) matched = true;
      i += 2;
    } else if (i + 2 < pattern.size() && pattern[i + 1] == '-') {
      char lo = Fold(pattern[i], nocase);
      char hi = Fold(pattern[i + 2], nocase);
      if (lo > hi) std::swap(lo, hi);
      if (folded >= lo && folded <= hi) matched = true;
      i += 3;
    } else {
      if (Fold(pattern[i], nocase) == folded) matched = true;
      ++i;
    }
  }
  if (i < pattern.size()) ++i;  // the closing ']'
  *token_len = i - p;
  return matched != negate;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  // Every token but '*' consumes exactly one character, so remembering only the
  // most recent '*' is enough to backtrack correctly: O(|pattern| * |text|).
  size_t p = 0;
  size_t t = 0;
  size_t star_p = std::string_view::npos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_t = t;
      continue;
    }
    size_t token_len = 0;
    if (p < pattern.size() && MatchToken(pattern, p, text[t], nocase, &token_len)) {
      p += token_len;
      ++t;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace ferrite
