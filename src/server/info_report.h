// The text of INFO: Redis's sections and field names, filled from the server's state.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ferrite {

class Server;

// `sections`: section names, or "default", "all", "everything"; empty means default.
// Unknown names select nothing, as in Redis.
std::string BuildInfoReport(const Server& server, std::span<const std::string_view> sections);

}  // namespace ferrite
