// The limits Redis 7.0 puts on requests, with the same values, so that a client sees
// the same errors at the same sizes from Ferrite as from Redis.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ferrite::protocol {

// Longest inline request line, and longest "*<n>" or "$<n>" header line.
inline constexpr size_t kInlineMaxSize = 64 * 1024;
// Largest element count a multibulk header may announce (Redis 7.0 accepts up to INT_MAX).
inline constexpr int64_t kMaxMultibulkLength = INT32_MAX;
// Default of `proto-max-bulk-len`: the largest single argument.
inline constexpr int64_t kDefaultMaxBulkLength = 512ll * 1024 * 1024;
// Before a client authenticates (when a password is required) it may only send
// small requests, so that an unauthenticated peer cannot make the server allocate.
inline constexpr int64_t kUnauthenticatedMaxMultibulk = 10;
inline constexpr int64_t kUnauthenticatedMaxBulk = 16384;
// Arguments at least this large are worth reading into a buffer sized for them.
inline constexpr size_t kBigArgument = 32 * 1024;

}  // namespace ferrite::protocol
