#include "commands/error_replies.h"

#include "util/ascii.h"

namespace ferrite {

std::string WrongArityError(std::string_view full_name) {
  std::string message = "ERR wrong number of arguments for '";
  message += full_name;
  message += "' command";
  return message;
}

std::string UnknownSubcommandError(std::string_view container, std::string_view subcommand) {
  // Redis prints the subcommand with "%.128s": at most 128 bytes, up to a NUL.
  subcommand = UntilNul(subcommand).substr(0, 128);
  std::string message = "ERR unknown subcommand '";
  message += subcommand;
  message += "'. Try ";
  message += AsciiToUpper(container);
  message += " HELP.";
  return message;
}

std::string SubcommandSyntaxError(std::string_view command, std::string_view subcommand) {
  std::string message = "ERR unknown subcommand or wrong number of arguments for '";
  message += UntilNul(subcommand).substr(0, 128);
  message += "'. Try ";
  message += AsciiToUpper(UntilNul(command));
  message += " HELP.";
  return message;
}

void ReplyStatusError(protocol::ReplyBuilder& reply, const Status& status) {
  switch (status.code()) {
    case StatusCode::kWrongType:
      reply.Error(kErrWrongType);
      return;
    case StatusCode::kIoError:
    case StatusCode::kNoSpace:
    case StatusCode::kCorruption:
      reply.Error("ERR " + status.ToString());
      return;
    default:
      reply.Error(status.message());
      return;
  }
}

}  // namespace ferrite
