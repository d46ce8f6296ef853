// The value operations behind Redis's string commands (INCR family, INCRBYFLOAT, APPEND,
// SETRANGE, GETRANGE, STRLEN), as pure functions of the stored value: a command handler
// calls them from the store's read-modify-write update and replies with the result, or
// with the Status, whose message is Redis's whole error reply (see ReplyStatusError).
//
// `current` is the key's value, nullopt when the key does not exist. Type checks
// (WRONGTYPE) belong to the caller. Where Redis reads an argument before looking the
// key up, a separate Parse* function is given, so the caller can keep Redis's order of
// errors; each function below says where it stands in that order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ferrite/status.h"

namespace ferrite {

// Redis's proto-max-bulk-len default: no command may grow a string past this size.
inline constexpr int64_t kMaxStringSize = int64_t{512} * 1024 * 1024;

inline constexpr std::string_view kErrIncrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrIncrNanOrInfinity =
    "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kErrStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kErrOffsetOutOfRange = "ERR offset is out of range";

// OK when a string of `size` bytes may grow by `append` bytes without passing
// kMaxStringSize, the error Redis replies otherwise. REQUIRES: size >= 0, append >= 0
Status CheckStringLength(int64_t size, int64_t append);

// --- INCR, DECR, INCRBY, DECRBY ---

// INCRBY's increment, parsed before the key is looked up (so it is the first error).
Result<int64_t> ParseIncrement(std::string_view arg);
// DECRBY's decrement, returned negated, ready for IncrementBy. The one decrement that
// cannot be negated, INT64_MIN, fails here with kErrDecrementOverflow.
Result<int64_t> ParseDecrement(std::string_view arg);
// The new value of the counter: `current` (0 when missing) plus `delta`. The caller
// stores it formatted as a decimal (FormatInt64) and replies with it as an integer.
Result<int64_t> IncrementBy(std::optional<std::string_view> current, int64_t delta);

// --- INCRBYFLOAT ---

// Redis's string2ld: strtold over the whole text in the C locale, which takes "+1.5",
// "0x1p3", ".5", "inf", but not "nan", spaces around the number, an embedded NUL,
// overflow to infinity, underflow to zero, nor texts of 5120 bytes or more.
std::optional<long double> ParseLongDouble(std::string_view text);
// Redis's "human" long double format: %.17Lf, trailing zeros after the point removed
// (and the point when nothing follows it), "-0" written as "0".
std::string FormatLongDouble(long double value);
// The new value, formatted, which is both what to store and the bulk reply. Redis reads
// the increment after its type check, so it is parsed here rather than by the caller.
Result<std::string> IncrementByFloat(std::optional<std::string_view> current,
                                     std::string_view increment);

// --- APPEND, SETRANGE ---

// The new value. A missing key becomes `suffix` itself (even when empty: APPEND creates
// the key); only an existing value is checked against kMaxStringSize.
Result<std::string> Append(std::optional<std::string_view> current, std::string_view suffix);

// SETRANGE's offset, parsed before the key is looked up: not an integer, then negative,
// are the first errors.
Result<int64_t> ParseSetRangeOffset(std::string_view arg);

struct SetRangeResult {
  // What to store; nullopt when the key stays as it is (empty `bytes` writes nothing and
  // does not create a missing key).
  std::optional<std::string> value;
  int64_t length = 0;  // the reply: the value's length afterwards
};
// Overwrites the value from `offset` on with `bytes`, padding with zero bytes when the
// value is shorter than `offset`. REQUIRES: offset >= 0 (ParseSetRangeOffset)
Result<SetRangeResult> SetRange(std::optional<std::string_view> current, int64_t offset,
                                std::string_view bytes);

// --- GETRANGE, SUBSTR, STRLEN ---

struct IndexRange {
  int64_t start = 0;
  int64_t end = 0;
};
// GETRANGE's start and end, parsed before the key is looked up.
Result<IndexRange> ParseIndexRange(std::string_view start, std::string_view end);
// The bytes between two inclusive indexes, with Redis 7.0's normalization: negative
// indexes count from the end, start is raised to 0 and end lowered to the last byte,
// and (unlike a plain slice) an end still negative after counting from the end is
// raised to 0, so GETRANGE "abc" 0 -100 is "a"; both negative with start > end is
// empty. A view into `current`; empty when the key is missing.
std::string_view GetRange(std::optional<std::string_view> current, IndexRange range);

inline int64_t StringLength(std::optional<std::string_view> current) {
  return current ? static_cast<int64_t>(current->size()) : 0;
}

// --- OBJECT ENCODING ---

inline constexpr std::string_view kEncodingInt = "int";
inline constexpr std::string_view kEncodingEmbstr = "embstr";
inline constexpr std::string_view kEncodingRaw = "raw";
// Redis's longest string kept in one allocation with its object header.
inline constexpr size_t kEmbstrSizeLimit = 44;

// The encoding Redis gives `value` when SET stores it (tryObjectEncoding): "int" for
// the canonical decimal form of a 64-bit integer, "embstr" up to kEmbstrSizeLimit
// bytes, "raw" beyond.
std::string_view StringEncodingOf(std::string_view value);

}  // namespace ferrite
