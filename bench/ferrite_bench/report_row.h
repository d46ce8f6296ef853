// How every mode prints its figures: per row, a line for people and, with --json, one JSON
// object on stdout (the people's lines then go to stderr), which is what scripts such as
// bench/embedded/run read: they take every stdout line that starts with "{".
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ferrite::bench {

// One JSON object, fields in the order they were added.
class ReportRow {
 public:
  ReportRow& Text(std::string_view name, std::string_view value);
  ReportRow& Count(std::string_view name, uint64_t value);
  ReportRow& Number(std::string_view name, double value, int decimals = 3);

  const std::string& json() const { return json_; }

 private:
  void Name(std::string_view name);

  std::string json_;
};

// A count for people: 1234567.8 -> "1,234,568".
std::string Grouped(double value);

class Reporter {
 public:
  explicit Reporter(bool json) : json_(json) {}

  // Where lines for people go: stdout, or stderr when stdout carries JSON.
  std::FILE* human() const { return json_ ? stderr : stdout; }
  // Prints the row's people's line (a newline is added) and, with --json, its object.
  void Print(const ReportRow& row, const std::string& line) const;

 private:
  bool json_;
};

}  // namespace ferrite::bench
