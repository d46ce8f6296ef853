// Status and Result<T>: how every fallible Ferrite call reports failure, in the
// server and in the embedded API alike. An OK Status is one null pointer, so
// returning it on hot paths costs nothing; the message is allocated only on error.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ferrite {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kOutOfRange,
  kWrongType,
  kIoError,
  kNoSpace,
  kCorruption,
  kNotSupported,
  kBusy,
  kShutdown,
  kResourceExhausted,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(const Status& other) : state_(other.state_ ? new State(*other.state_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) state_.reset(other.state_ ? new State(*other.state_) : nullptr);
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status OutOfRange(std::string message) {
    return Status(StatusCode::kOutOfRange, std::move(message));
  }
  static Status NotSupported(std::string message) {
    return Status(StatusCode::kNotSupported, std::move(message));
  }
  static Status Corruption(std::string message) {
    return Status(StatusCode::kCorruption, std::move(message));
  }
  static Status Busy(std::string message) { return Status(StatusCode::kBusy, std::move(message)); }
  static Status Shutdown(std::string message) {
    return Status(StatusCode::kShutdown, std::move(message));
  }
  static Status ResourceExhausted(std::string message) {
    return Status(StatusCode::kResourceExhausted, std::move(message));
  }
  // An operating-system failure; `sys_errno` is kept so callers can branch on it
  // (ENOSPC becomes kNoSpace so that the common "disk full" case needs no errno test).
  static Status FromErrno(int sys_errno, std::string_view context);

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The errno behind an I/O status, 0 otherwise.
  int sys_errno() const { return state_ ? state_->sys_errno : 0; }
  std::string_view message() const { return state_ ? std::string_view(state_->message) : ""; }
  // "IoError: open data/x: No such file or directory" (or "OK").
  std::string ToString() const;

 private:
  struct State {
    StatusCode code;
    int sys_errno;
    std::string message;
  };
  Status(StatusCode code, std::string message, int sys_errno = 0)
      : state_(new State{code, sys_errno, std::move(message)}) {
    assert(code != StatusCode::kOk);
  }

  std::unique_ptr<State> state_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ferrite
