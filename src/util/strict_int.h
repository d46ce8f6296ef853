// Integer parsing with Redis's strict syntax, shared by the protocol parser (bulk and
// multibulk lengths) and every command argument that Redis reads as an integer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferrite {

// Accepts an optional '-' followed by "0" or a digit string without leading zeros
// that fits in int64_t. Rejects "", "+1", " 1", "01", "-0", "1 ", and overflow:
// the same set Redis's string2ll accepts, so error replies match Redis's.
std::optional<int64_t> ParseStrictInt64(std::string_view text);

// Formats `value` into `out` (at least 20 bytes) and returns the length used.
size_t FormatInt64(int64_t value, char* out);

}  // namespace ferrite
