#include "commands/expiry_args.h"

#include <chrono>
#include <limits>
#include <string>

#include "commands/command_args.h"
#include "commands/error_replies.h"
#include "util/strict_int.h"

namespace ferrite {

int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status InvalidExpireTime(std::string_view command) {
  return Status::InvalidArgument("ERR invalid expire time in '" + std::string(command) +
                                 "' command");
}

Result<int64_t> ParseExpiryTime(std::string_view arg, TimeUnit unit, bool relative,
                                std::string_view command, int64_t now_ms) {
  std::optional<int64_t> value = ParseStrictInt64(arg);
  if (!value) return Status::InvalidArgument(std::string(kErrNotInteger));
  int64_t ms = *value;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (ms <= 0 || (unit == TimeUnit::kSeconds && ms > kMax / 1000)) {
    return InvalidExpireTime(command);
  }
  if (unit == TimeUnit::kSeconds) ms *= 1000;
  if (relative) {
    if (ms > kMax - now_ms) return InvalidExpireTime(command);
    ms += now_ms;
  }
  return ms;
}

Result<SetOptions> ParseSetOptions(std::span<const std::string_view> options, ExpiryCommand kind,
                                   std::string_view command, int64_t now_ms) {
  SetOptions parsed;
  const bool set = kind == ExpiryCommand::kSet;
  // Which time option was given, with its argument.
  enum class Time : uint8_t { kNone, kEx, kPx, kExAt, kPxAt } time = Time::kNone;
  std::string_view time_arg;
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string_view option = options[i];
    const bool has_next = i + 1 < options.size();
    // Redis checks each word against the options in this order; a word that matches an
    // option in a state where it is not allowed falls through to the syntax error.
    const bool other_time = time != Time::kNone;
    if (IsKeyword(option, "nx") && !parsed.xx && set) {
      parsed.nx = true;
    } else if (IsKeyword(option, "xx") && !parsed.nx && set) {
      parsed.xx = true;
    } else if (IsKeyword(option, "get") && set) {
      parsed.get = true;
    } else if (IsKeyword(option, "keepttl") && !parsed.persist && !other_time && set) {
      parsed.keep_ttl = true;
    } else if (IsKeyword(option, "persist") && !set && !other_time && !parsed.keep_ttl) {
      parsed.persist = true;
    } else if (!parsed.keep_ttl && !parsed.persist && has_next &&
               ((IsKeyword(option, "ex") && (time == Time::kNone || time == Time::kEx)) ||
                (IsKeyword(option, "px") && (time == Time::kNone || time == Time::kPx)) ||
                (IsKeyword(option, "exat") && (time == Time::kNone || time == Time::kExAt)) ||
                (IsKeyword(option, "pxat") && (time == Time::kNone || time == Time::kPxAt)))) {
      if (IsKeyword(option, "ex")) time = Time::kEx;
      if (IsKeyword(option, "px")) time = Time::kPx;
      if (IsKeyword(option, "exat")) time = Time::kExAt;
      if (IsKeyword(option, "pxat")) time = Time::kPxAt;
      time_arg = options[++i];
    } else {
      return Status::InvalidArgument(std::string(kErrSyntax));
    }
  }
  if (time != Time::kNone) {
    const TimeUnit unit =
        time == Time::kEx || time == Time::kExAt ? TimeUnit::kSeconds : TimeUnit::kMilliseconds;
    const bool relative = time == Time::kEx || time == Time::kPx;
    auto expiry = ParseExpiryTime(time_arg, unit, relative, command, now_ms);
    if (!expiry.ok()) return expiry.status();
    parsed.expiry_ms = *expiry;
  }
  return parsed;
}

}  // namespace ferrite
