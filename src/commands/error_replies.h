// Error replies with Redis's exact wording, in one place, and the single mapping from
// a Status to the error a client receives.
#pragma once

#include <string>
#include <string_view>

#include "ferrite/status.h"
#include "protocol/reply_builder.h"

namespace ferrite {

inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrNoSuchClient = "ERR No such client";

// "ERR wrong number of arguments for 'client|setname' command"
std::string WrongArityError(std::string_view full_name);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommandError(std::string_view container, std::string_view subcommand);

// Replies with the error a Status stands for. Statuses made for clients carry the
// whole reply text ("ERR ..."); the others get a code Redis clients understand.
void ReplyStatusError(protocol::ReplyBuilder& reply, const Status& status);

}  // namespace ferrite
