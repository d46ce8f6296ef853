#include "server/monitor_feed.h"

#include <fmt/format.h>

namespace ferrite {

void AppendQuotedArgument(std::string& out, std::string_view arg) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : arg) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default: {
        auto byte = static_cast<unsigned char>(c);
        // isprint() in the C locale Redis runs in.
        if (byte >= 0x20 && byte < 0x7f) {
          out += c;
        } else {
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xf];
        }
      }
    }
  }
  out += '"';
}

std::string FormatMonitorLine(int64_t unix_micros, int db, std::string_view peer,
                              std::span<const std::string_view> args, ArgumentRedactor redact) {
  std::vector<bool> redacted(args.size(), false);
  if (redact != nullptr) redact(args, redacted);
  std::string line =
      fmt::format("+{}.{:06} [{} {}]", unix_micros / 1'000'000, unix_micros % 1'000'000, db, peer);
  for (size_t i = 0; i < args.size(); ++i) {
    line += ' ';
    AppendQuotedArgument(line, redacted[i] ? std::string_view("(redacted)") : args[i]);
  }
  line += "\r\n";
  return line;
}

}  // namespace ferrite
