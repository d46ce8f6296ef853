// Sizes on the benchmarks' command lines, as people type them: "1GiB", "1gb", "64MiB",
// "512m", "4096".
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace ferrite::bench {

// Bytes, or nullopt when the text is not a size. The "iB" units are the same powers of
// two as Redis's "b" ones (util/memory_units.h).
std::optional<uint64_t> ParseSizeArgument(std::string text);

// Refuses what ParseSizeArgument refuses.
CLI::Validator SizeValidator();

}  // namespace ferrite::bench
