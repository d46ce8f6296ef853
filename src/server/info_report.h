// The text of INFO: Redis's sections and field names, filled from the server's state,
// plus Ferrite's own `# IO` section on the workers' I/O engines and `# Tiering` on their
// keyspace shards.
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ferrite/status.h"
#include "store/keyspace_walk.h"

namespace ferrite {

class Server;
struct WorkerReport;

// INFO keyspace's lines: the databases (numbered as clients see them) that hold keys,
// or the error that stopped the count.
struct KeyspaceReport {
  Status status;
  std::vector<std::pair<int, DatabaseCount>> databases;
};

// The sections a request selects: names lower-cased, "default", "all" and "everything"
// expanded; no names means default. Unknown names select nothing, as in Redis.
std::set<std::string> SelectInfoSections(std::span<const std::string_view> requested);

// The report on `sections` (as SelectInfoSections gives them), in Redis's section
// order. `workers` is the sum of every worker's report, read only for the io, tiering
// and memory sections; `keyspace` is read only for the keyspace section.
std::string BuildInfoReport(const Server& server, const std::set<std::string>& sections,
                            const WorkerReport& workers, const KeyspaceReport& keyspace);

// The keyspace section: `db<N>:keys=..,expires=..,avg_ttl=..` for each database with
// keys, as Redis prints it (avg_ttl in milliseconds, 0 without expiring keys).
void AppendKeyspace(std::string& out, const KeyspaceReport& keyspace);

}  // namespace ferrite
