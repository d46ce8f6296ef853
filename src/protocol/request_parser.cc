#include "protocol/request_parser.h"

#include <algorithm>
#include <cstring>

#include "protocol/inline_splitter.h"
#include "util/strict_int.h"

namespace ferrite::protocol {

ParseStatus RequestParser::Parse(std::string_view data) {
  if (kind_ == Kind::kUnknown) {
    if (data.empty()) return ParseStatus::kIncomplete;
    kind_ = data[0] == '*' ? Kind::kMultibulk : Kind::kInline;
  }
  return kind_ == Kind::kMultibulk ? ParseMultibulk(data) : ParseInline(data);
}

size_t RequestParser::bytes_wanted() const {
  if (kind_ != Kind::kMultibulk || bulk_length_ < 0) return 0;
  return pos_ + static_cast<size_t>(bulk_length_) + 2;
}

size_t RequestParser::FindLineEnd(std::string_view data, size_t from, char target) {
  size_t start = std::max(from, scanned_to_);
  if (!nul_in_line_ && start < data.size()) {
    const char* begin = data.data() + start;
    size_t length = data.size() - start;
    const void* hit = std::memchr(begin, target, length);
    size_t limit = hit ? static_cast<size_t>(static_cast<const char*>(hit) - begin) : length;
    if (std::memchr(begin, '\0', limit) != nullptr) {
      nul_in_line_ = true;
    } else if (hit != nullptr) {
      scanned_to_ = start + limit;  // resume at the target if the line is still short
      return start + limit;
    }
  }
  scanned_to_ = data.size();
  return std::string_view::npos;
}

void RequestParser::ResetProgress() {
  kind_ = Kind::kUnknown;
  multibulk_remaining_ = -1;
  bulk_length_ = -1;
  pos_ = 0;
  scanned_to_ = 0;
  nul_in_line_ = false;
}

ParseStatus RequestParser::Fail(std::string message) {
  error_ = std::move(message);
  ResetProgress();
  return ParseStatus::kError;
}

ParseStatus RequestParser::Complete(size_t consumed) {
  consumed_ = consumed;
  ResetProgress();
  return ParseStatus::kComplete;
}

ParseStatus RequestParser::ParseInline(std::string_view data) {
  size_t newline = FindLineEnd(data, 0, '\n');
  if (newline == std::string_view::npos) {
    if (data.size() > kInlineMaxSize) return Fail("ERR Protocol error: too big inline request");
    return ParseStatus::kIncomplete;
  }
  size_t line_end = newline;
  if (line_end > 0 && data[line_end - 1] == '\r') --line_end;
  if (!SplitInlineArguments(data.substr(0, line_end), inline_args_)) {
    return Fail("ERR Protocol error: unbalanced quotes in request");
  }
  args_.assign(inline_args_.begin(), inline_args_.end());
  return Complete(newline + 1);
}

ParseStatus RequestParser::ParseMultibulk(std::string_view data) {
  if (multibulk_remaining_ < 0) {
    size_t cr = FindLineEnd(data, 0, '\r');
    if (cr == std::string_view::npos) {
      if (data.size() > kInlineMaxSize) {
        return Fail("ERR Protocol error: too big mbulk count string");
      }
      return ParseStatus::kIncomplete;
    }
    // The byte after '\r' is assumed to be '\n', as Redis assumes it.
    if (cr + 1 >= data.size()) return ParseStatus::kIncomplete;
    auto count = ParseStrictInt64(data.substr(1, cr - 1));
    if (!count || *count > kMaxMultibulkLength) {
      return Fail("ERR Protocol error: invalid multibulk length");
    }
    if (*count > kUnauthenticatedMaxMultibulk && !limits_.authenticated) {
      return Fail("ERR Protocol error: unauthenticated multibulk length");
    }
    pos_ = cr + 2;
    scanned_to_ = pos_;
    if (*count <= 0) {
      args_.clear();
      return Complete(pos_);
    }
    multibulk_remaining_ = *count;
    spans_.clear();
    // Reserve for what a header claims only up to a bound: the claim is unverified.
    spans_.reserve(static_cast<size_t>(std::min<int64_t>(*count, 1024)));
  }

  while (multibulk_remaining_ > 0) {
    if (bulk_length_ < 0) {
      size_t cr = FindLineEnd(data, pos_, '\r');
      if (cr == std::string_view::npos) {
        if (data.size() - pos_ > kInlineMaxSize) {
          return Fail("ERR Protocol error: too big bulk count string");
        }
        return ParseStatus::kIncomplete;
      }
      if (cr + 1 >= data.size()) return ParseStatus::kIncomplete;
      if (data[pos_] != '$') {
        std::string message = "ERR Protocol error: expected '$', got '";
        message.push_back(data[pos_]);
        message.push_back('\'');
        return Fail(std::move(message));
      }
      auto length = ParseStrictInt64(data.substr(pos_ + 1, cr - pos_ - 1));
      if (!length || *length < 0 || *length > limits_.max_bulk_length) {
        return Fail("ERR Protocol error: invalid bulk length");
      }
      if (*length > kUnauthenticatedMaxBulk && !limits_.authenticated) {
        return Fail("ERR Protocol error: unauthenticated bulk length");
      }
      pos_ = cr + 2;
      bulk_length_ = *length;
      nul_in_line_ = false;
    }
    // The payload and the two bytes that end it; those two are skipped unchecked.
    size_t needed = static_cast<size_t>(bulk_length_) + 2;
    if (data.size() - pos_ < needed) return ParseStatus::kIncomplete;
    spans_.push_back({pos_, static_cast<size_t>(bulk_length_)});
    pos_ += needed;
    scanned_to_ = pos_;
    bulk_length_ = -1;
    --multibulk_remaining_;
  }

  args_.clear();
  args_.reserve(spans_.size());
  for (const ArgSpan& span : spans_) args_.emplace_back(data.data() + span.offset, span.length);
  return Complete(pos_);
}

}  // namespace ferrite::protocol
