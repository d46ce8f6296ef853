// The value operation behind Redis's LCS command: the longest common subsequence of two
// strings, its length, or the matching ranges, as data for the command layer to reply.
//
// Redis's order of errors: both keys are looked up and type-checked first (a value of
// another type is kErrLcsWrongType, not WRONGTYPE; missing keys are empty strings), then
// the options are parsed (ParseLcsOptions), then Lcs() checks the sizes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ferrite/status.h"

namespace ferrite {

inline constexpr std::string_view kErrLcsWrongType =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kErrLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kErrLcsTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kErrLcsTableTooBig =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kErrLcsAllocation =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

struct LcsOptions {
  bool len = false;             // LEN: reply with the length only
  bool idx = false;             // IDX: reply with the matching ranges and the length
  bool with_match_len = false;  // WITHMATCHLEN: each range also gives its length
  int64_t min_match_len = 0;    // MINMATCHLEN: shorter ranges are left out (IDX only)
};

// The options after the two keys. Options may repeat; a negative MINMATCHLEN counts as
// 0; LEN with IDX is refused once all options parsed.
Result<LcsOptions> ParseLcsOptions(std::span<const std::string_view> args);

struct LcsMatch {
  int64_t a_start = 0;  // inclusive byte range in the first string
  int64_t a_end = 0;
  int64_t b_start = 0;  // the same bytes in the second string
  int64_t b_end = 0;
  int64_t length = 0;  // a_end - a_start + 1, replied with WITHMATCHLEN
};

struct LcsResult {
  enum class Reply : uint8_t {
    kString,   // a bulk string: `lcs`
    kLength,   // an integer: `length`
    kMatches,  // a map: "matches" -> `matches`, "len" -> `length`
  };
  Reply reply = Reply::kString;
  std::string lcs;  // filled for kString
  int64_t length = 0;
  // kMatches only: the ranges, last in the strings first (Redis's order), those
  // shorter than MINMATCHLEN left out.
  std::vector<LcsMatch> matches;
};

// The DP table Redis allocates: (|a| + 1) * (|b| + 1) 32-bit cells. Above
// kMaxStringSize bytes Lcs() refuses with kErrLcsTableTooBig (so LCS of an empty and a
// 128 MiB string is refused too).
uint64_t LcsTableBytes(uint64_t a_size, uint64_t b_size);

// `a` and `b` are the two values (empty for a missing key).
Result<LcsResult> Lcs(std::string_view a, std::string_view b, const LcsOptions& options);

}  // namespace ferrite
