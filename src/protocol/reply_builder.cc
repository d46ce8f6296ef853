#include "protocol/reply_builder.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace ferrite::protocol {

void ReplyBuilder::Header(char type, uint64_t length) {
  // Type byte, up to 20 digits and CRLF.
  char buffer[24];
  buffer[0] = type;
  auto [end, ec] = std::to_chars(buffer + 1, buffer + 21, length);
  (void)ec;
  end[0] = '\r';
  end[1] = '\n';
  Put(std::string_view(buffer, static_cast<size_t>(end + 2 - buffer)));
}

void ReplyBuilder::SimpleString(std::string_view text) {
  Put("+");
  Put(text);
  Put("\r\n");
}

void ReplyBuilder::Error(std::string_view message) {
  error_codes_.emplace_back(message.substr(0, message.find(' ')));
  Put("-");
  if (message.find_first_of("\r\n") == std::string_view::npos) {
    Put(message);
  } else {
    std::string cleaned(message);
    for (char& c : cleaned) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    Put(cleaned);
  }
  Put("\r\n");
}

void ReplyBuilder::Integer(int64_t value) {
  char buffer[24];
  buffer[0] = ':';
  auto [end, ec] = std::to_chars(buffer + 1, buffer + 21, value);
  (void)ec;
  end[0] = '\r';
  end[1] = '\n';
  Put(std::string_view(buffer, static_cast<size_t>(end + 2 - buffer)));
}

void ReplyBuilder::Bulk(std::string_view bytes) {
  Header('$', bytes.size());
  Put(bytes);
  Put("\r\n");
}

void ReplyBuilder::Null() { Put(resp_version_ >= 3 ? "_\r\n" : "$-1\r\n"); }

void ReplyBuilder::NullArray() { Put(resp_version_ >= 3 ? "_\r\n" : "*-1\r\n"); }

void ReplyBuilder::ArrayHeader(size_t length) { Header('*', length); }

void ReplyBuilder::MapHeader(size_t pairs) {
  if (resp_version_ >= 3) {
    Header('%', pairs);
  } else {
    Header('*', pairs * 2);
  }
}

void ReplyBuilder::SetHeader(size_t length) { Header(resp_version_ >= 3 ? '~' : '*', length); }

void ReplyBuilder::PushHeader(size_t length) { Header(resp_version_ >= 3 ? '>' : '*', length); }

void ReplyBuilder::Double(double value) {
  // Redis 7.0 prints doubles with %.17g, and infinities as "inf"/"-inf".
  char buffer[64];
  int length;
  if (std::isinf(value)) {
    length = std::snprintf(buffer, sizeof(buffer), "%s", value > 0 ? "inf" : "-inf");
  } else {
    length = std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  }
  std::string_view text(buffer, static_cast<size_t>(length));
  if (resp_version_ >= 3) {
    Put(",");
    Put(text);
    Put("\r\n");
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Bool(bool value) {
  if (resp_version_ >= 3) {
    Put(value ? "#t\r\n" : "#f\r\n");
  } else {
    Put(value ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::Verbatim(std::string_view text, std::string_view format) {
  if (resp_version_ < 3) {
    Bulk(text);
    return;
  }
  Header('=', text.size() + format.size() + 1);
  Put(format);
  Put(":");
  Put(text);
  Put("\r\n");
}

}  // namespace ferrite::protocol
