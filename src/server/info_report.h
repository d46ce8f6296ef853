// The text of INFO: Redis's sections and field names, filled from the server's state,
// plus Ferrite's own `# IO` section on the workers' I/O engines and `# Tiering` on their
// keyspace shards.
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>

namespace ferrite {

class Server;
struct WorkerReport;

// The sections a request selects: names lower-cased, "default", "all" and "everything"
// expanded; no names means default. Unknown names select nothing, as in Redis.
std::set<std::string> SelectInfoSections(std::span<const std::string_view> requested);

// The report on `sections` (as SelectInfoSections gives them), in Redis's section
// order. `workers` is the sum of every worker's report, read only for the io and
// tiering sections.
std::string BuildInfoReport(const Server& server, const std::set<std::string>& sections,
                            const WorkerReport& workers);

}  // namespace ferrite
