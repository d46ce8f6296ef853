#include "report_row.h"

#include <algorithm>
#include <cmath>

namespace ferrite::bench {
namespace {

void AppendQuoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

void ReportRow::Name(std::string_view name) {
  json_ += json_.empty() ? "{" : ", ";
  AppendQuoted(json_, name);
  json_ += ": ";
}

ReportRow& ReportRow::Text(std::string_view name, std::string_view value) {
  Name(name);
  AppendQuoted(json_, value);
  return *this;
}

ReportRow& ReportRow::Count(std::string_view name, uint64_t value) {
  Name(name);
  json_ += std::to_string(value);
  return *this;
}

ReportRow& ReportRow::Number(std::string_view name, double value, int decimals) {
  Name(name);
  if (!std::isfinite(value)) {
    json_ += "null";  // JSON has no NaN or infinity
    return *this;
  }
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  json_ += text;
  return *this;
}

std::string Grouped(double value) {
  std::string digits = std::to_string(static_cast<uint64_t>(std::llround(std::max(value, 0.0))));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

void Reporter::Print(const ReportRow& row, const std::string& line) const {
  std::fprintf(human(), "%s\n", line.c_str());
  std::fflush(human());
  if (json_) {
    std::fprintf(stdout, "%s}\n", row.json().c_str());
    std::fflush(stdout);
  }
}

}  // namespace ferrite::bench
