// Incremental parser for client requests: RESP multibulk ("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n")
// and inline commands ("ECHO hi\r\n"). It accepts any split of the byte stream and keeps
// its progress between calls, so a request that arrives one byte at a time is scanned
// once, not once per byte. Multibulk arguments are views into the caller's buffer: no
// copy on the hot path.
//
// Errors and their wording are Redis 7.0's, including its leniencies (the two bytes
// after a bulk payload are skipped unchecked; a header line containing a NUL byte never
// completes), so that a client sees exactly what Redis would have sent it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/protocol_limits.h"

namespace ferrite::protocol {

enum class ParseStatus : uint8_t {
  kComplete,    // one request parsed; see args() and consumed()
  kIncomplete,  // more bytes are needed; progress is kept
  kError,       // protocol error; see error(). The connection must reply and close.
};

struct ParserLimits {
  int64_t max_bulk_length = kDefaultMaxBulkLength;  // proto-max-bulk-len
  // False while the client still has to AUTH: requests are then capped in size.
  bool authenticated = true;
};

class RequestParser {
 public:
  RequestParser() = default;
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  void set_limits(const ParserLimits& limits) { limits_ = limits; }

  // Parses the request that begins at data[0]. After kIncomplete, call again with a
  // buffer that begins with the same bytes and has more appended (it may have moved).
  // After kComplete, the next call starts a new request: pass the bytes that follow
  // the consumed() ones.
  ParseStatus Parse(std::string_view data);

  // Valid after kComplete, until the next Parse() call or until the bytes passed to
  // Parse() change. An empty list is an empty request (a blank line, "*0", "*-1"):
  // the caller skips it.
  std::span<const std::string_view> args() const { return args_; }
  // Bytes of the completed request, from data[0].
  size_t consumed() const { return consumed_; }
  // After kError: the reply text, without the leading '-' and trailing CRLF.
  const std::string& error() const { return error_; }

  // While a bulk argument is being received: the buffer length, counted from the
  // request's first byte, that would complete it. Lets the caller size its buffer for
  // large arguments instead of growing it step by step. 0 when nothing is pending.
  size_t bytes_wanted() const;

 private:
  enum class Kind : uint8_t { kUnknown, kInline, kMultibulk };
  struct ArgSpan {
    size_t offset;
    size_t length;
  };

  ParseStatus ParseInline(std::string_view data);
  ParseStatus ParseMultibulk(std::string_view data);
  // Finds `target` at or after `from` in data, as Redis's strchr() would: a NUL byte
  // before it hides it. Returns npos when not found (yet). Remembers how far it
  // looked so the next call resumes there.
  size_t FindLineEnd(std::string_view data, size_t from, char target);
  // Both leave the parser ready for a new request.
  void ResetProgress();
  ParseStatus Fail(std::string message);
  ParseStatus Complete(size_t consumed);

  ParserLimits limits_;
  Kind kind_ = Kind::kUnknown;
  // Multibulk progress: arguments still to read (-1 before the header), the pending
  // bulk's length (-1 before its header) and the offset of the next unread byte.
  int64_t multibulk_remaining_ = -1;
  int64_t bulk_length_ = -1;
  size_t pos_ = 0;
  // Line search progress, so that no byte is scanned twice.
  size_t scanned_to_ = 0;
  bool nul_in_line_ = false;

  std::vector<ArgSpan> spans_;
  std::vector<std::string> inline_args_;
  std::vector<std::string_view> args_;
  size_t consumed_ = 0;
  std::string error_;
};

}  // namespace ferrite::protocol
