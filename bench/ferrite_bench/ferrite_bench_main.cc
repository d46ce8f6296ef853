// ferrite-bench: Ferrite's throughput, latency and memory benchmarks, one mode per way of
// reaching the store; the first argument names the mode. bench/embedded/run puts the
// embedded mode's figures beside fio's and redis-server's.
#include <cstdio>
#include <string_view>

#include "embedded_mode.h"

namespace {

struct Mode {
  const char* name;
  const char* summary;
  // Gets the arguments after the program name: argv[0] is the mode's name.
  int (*run)(int argc, char** argv);
};

constexpr Mode kModes[] = {
    {"embedded", "ferrite::Db in this process: load, memory per key, GETs by queue depth",
     ferrite::bench::RunEmbeddedMode},
};

int Usage(std::FILE* out, int code) {
  std::fprintf(out,
               "usage: ferrite-bench MODE [options]   (ferrite-bench MODE --help)\n\nmodes:\n");
  for (const Mode& mode : kModes) std::fprintf(out, "  %-10s %s\n", mode.name, mode.summary);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(stderr, 2);
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h") return Usage(stdout, 0);
  for (const Mode& mode : kModes) {
    if (name == mode.name) return mode.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "ferrite-bench: unknown mode '%s'\n", argv[1]);
  return Usage(stderr, 2);
}
