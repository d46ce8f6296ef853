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
inline constexpr std::string_view kErrDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";
// A monitor is a replica to Redis, and replicas may not touch keys.
inline constexpr std::string_view kErrMonitorKeyspace =
    "ERR Replica can't interact with the keyspace";

// "ERR wrong number of arguments for 'client|setname' command"
std::string WrongArityError(std::string_view full_name);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommandError(std::string_view container, std::string_view subcommand);
// What a command that parses its own subcommands (DEBUG, SLOWLOG GET's extra words)
// answers for an unknown one or a wrong number of words, Redis's
// addReplySubcommandSyntaxError: "ERR unknown subcommand or wrong number of arguments
// for 'foo'. Try DEBUG HELP."
std::string SubcommandSyntaxError(std::string_view command, std::string_view subcommand);

// Replies with the error a Status stands for. Statuses made for clients carry the
// whole reply text ("ERR ..."); the others get a code Redis clients understand.
void ReplyStatusError(protocol::ReplyBuilder& reply, const Status& status);

}  // namespace ferrite
