#include "thread_cpu.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ferrite::bench {

double ThreadCpuSeconds(std::string_view prefix) {
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  double seconds = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || !name.starts_with(prefix)) continue;
    std::ifstream stat_file(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    // Fields after the name, which is in parentheses and may hold spaces: utime and
    // stime are the 12th and 13th of them (fields 14 and 15 of proc(5)).
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 1; i <= 13 && fields >> field; ++i) {
      if (i == 12) utime = std::stod(field);
      if (i == 13) stime = std::stod(field);
    }
    seconds += (utime + stime) / ticks_per_second;
  }
  return seconds;
}

}  // namespace ferrite::bench
