#include "ferrite/status.h"

#include <cerrno>
#include <cstring>

namespace ferrite {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kOutOfRange: return "OutOfRange";
    case StatusCode::kWrongType: return "WrongType";
    case StatusCode::kIoError: return "IoError";
    case StatusCode::kNoSpace: return "NoSpace";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kNotSupported: return "NotSupported";
    case StatusCode::kBusy: return "Busy";
    case StatusCode::kShutdown: return "Shutdown";
    case StatusCode::kResourceExhausted: return "ResourceExhausted";
  }
  return "Unknown";
}

Status Status::FromErrno(int sys_errno, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += std::strerror(sys_errno);
  StatusCode code = sys_errno == ENOSPC ? StatusCode::kNoSpace : StatusCode::kIoError;
  return Status(code, std::move(message), sys_errno);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(state_->code));
  out += ": ";
  out += state_->message;
  return out;
}

}  // namespace ferrite
