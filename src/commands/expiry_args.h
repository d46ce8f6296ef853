// The expiry options of SET and GETEX (EX, PX, EXAT, PXAT, KEEPTTL, PERSIST, and SET's
// NX, XX, GET), parsed with Redis's rules and error texts, and the clock commands use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ferrite/status.h"

namespace ferrite {

// Unix time in milliseconds, as the store's expiry checks read it.
int64_t UnixNowMs();

struct SetOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keep_ttl = false;
  bool persist = false;  // GETEX only
  // The absolute expiry (Unix ms) EX/PX/EXAT/PXAT asked for.
  std::optional<int64_t> expiry_ms;
};

enum class ExpiryCommand : uint8_t { kSet, kGetEx };

// Parses `options` (the words after SET's value or GETEX's key) as Redis does: a word
// that is unknown, repeated against an incompatible one (NX with XX, KEEPTTL with EX,
// ...) or missing its argument is "ERR syntax error"; then the time: not an integer is
// kErrNotInteger, <= 0 or out of range "ERR invalid expire time in '<command>' command".
// `command` is the name as the error quotes it ("set", "getex").
Result<SetOptions> ParseSetOptions(std::span<const std::string_view> options, ExpiryCommand kind,
                                   std::string_view command, int64_t now_ms);

// "ERR invalid expire time in 'set' command"
Status InvalidExpireTime(std::string_view command);

// Turns SET's (or GETEX's) relative (EX, PX) or absolute (EXAT, PXAT) time argument into
// Unix ms with Redis's checks: kErrNotInteger when not an integer; InvalidExpireTime
// when it is <= 0 or the result overflows.
enum class TimeUnit : uint8_t { kSeconds, kMilliseconds };
Result<int64_t> ParseExpiryTime(std::string_view arg, TimeUnit unit, bool relative,
                                std::string_view command, int64_t now_ms);

}  // namespace ferrite
