#include "first_failure.h"

#include <cerrno>

namespace ferrite::bench {

Status FirstFailure::ToStatus() const {
  // Status has no setter for its message: rebuild one of the same code.
  std::string message = context_ + ": " + std::string(status_.message());
  switch (status_.code()) {
    case StatusCode::kInvalidArgument:
      return Status::InvalidArgument(std::move(message));
    case StatusCode::kNotFound:
      return Status::NotFound(std::move(message));
    case StatusCode::kOutOfRange:
      return Status::OutOfRange(std::move(message));
    case StatusCode::kNotSupported:
      return Status::NotSupported(std::move(message));
    case StatusCode::kCorruption:
      return Status::Corruption(std::move(message));
    case StatusCode::kBusy:
      return Status::Busy(std::move(message));
    case StatusCode::kShutdown:
      return Status::Shutdown(std::move(message));
    case StatusCode::kResourceExhausted:
      return Status::ResourceExhausted(std::move(message));
    default:
      // I/O errors and the rest: errno-based statuses keep their errno.
      return Status::FromErrno(status_.sys_errno() != 0 ? status_.sys_errno() : EIO, message);
  }
}

}  // namespace ferrite::bench
