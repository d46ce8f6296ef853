// Byte quantities written the way Redis configuration writes them: "1gb", "512mb",
// "64k", "100" (k/m/g are powers of 1000, kb/mb/gb powers of 1024).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferrite {

std::optional<uint64_t> ParseMemoryAmount(std::string_view text);

}  // namespace ferrite
