#include "row_report.h"

#include <algorithm>

namespace ferrite::iobench {
namespace {

bool IsThroughputRow(const std::string& op) { return op == "randread"; }

const RowResult* Find(const std::vector<const RowResult*>& group, const std::string& engine) {
  for (const RowResult* row : group) {
    if (row->engine == engine) return row;
  }
  return nullptr;
}

void PrintRatio(std::FILE* out, const RowResult* candidate, const RowResult* baseline) {
  if (candidate == nullptr || baseline == nullptr) {
    std::fprintf(out, " — |");
  } else {
    std::fprintf(out, " **%.2f** |", Speedup(*candidate, *baseline));
  }
}

}  // namespace

double RowResult::iops() const {
  return total.wall_seconds > 0 ? total.ops / total.wall_seconds : 0;
}

double RowResult::cpu_us_per_op() const {
  return total.ops > 0 ? total.cpu_seconds * 1e6 / total.ops : 0;
}

double Speedup(const RowResult& candidate, const RowResult& baseline) {
  if (IsThroughputRow(candidate.op)) {
    return baseline.iops() > 0 ? candidate.iops() / baseline.iops() : 0;
  }
  return candidate.p50_us() > 0 ? baseline.p50_us() / candidate.p50_us() : 0;
}

void PrintJsonRow(const RowResult& row, std::FILE* out) {
  std::fprintf(out,
               "{\"op\": \"%s\", \"engine\": \"%s\", \"qd\": %u, \"p50_us\": %.2f, "
               "\"p99_us\": %.2f, \"iops\": %.0f, \"cpu_us_per_op\": %.3f, \"mean_us\": %.2f, "
               "\"ops\": %llu, \"seconds\": %.3f}\n",
               row.op.c_str(), row.engine.c_str(), row.qd, row.p50_us(), row.p99_us(), row.iops(),
               row.cpu_us_per_op(), row.mean_us(), static_cast<unsigned long long>(row.total.ops),
               row.total.wall_seconds);
  std::fflush(out);
}

void PrintTable(const std::vector<RowResult>& rows, std::FILE* out) {
  // Rows arrive grouped by (op, qd), engines in a fixed order.
  std::vector<std::string> engines;
  std::vector<std::vector<const RowResult*>> groups;
  for (const RowResult& row : rows) {
    if (std::find(engines.begin(), engines.end(), row.engine) == engines.end()) {
      engines.push_back(row.engine);
    }
    if (groups.empty() || groups.back().front()->op != row.op ||
        groups.back().front()->qd != row.qd) {
      groups.emplace_back();
    }
    groups.back().push_back(&row);
  }
  auto has = [&engines](const char* name) {
    return std::find(engines.begin(), engines.end(), name) != engines.end();
  };
  bool both = has("uring") && has("threads");
  bool sqpoll = has("uring") && has("uring+sqpoll");

  std::fprintf(out, "| op | qd |");
  for (const std::string& engine : engines) {
    std::fprintf(out, " %s p50 / p99 µs | %s IOPS | %s CPU µs/op |", engine.c_str(), engine.c_str(),
                 engine.c_str());
  }
  if (both) std::fprintf(out, " uring / threads |");
  if (sqpoll) std::fprintf(out, " sqpoll / uring |");
  std::fprintf(out, "\n| --- | --- |");
  for (size_t i = 0; i < engines.size(); ++i) std::fprintf(out, " --- | --- | --- |");
  if (both) std::fprintf(out, " --- |");
  if (sqpoll) std::fprintf(out, " --- |");
  std::fprintf(out, "\n");

  for (const auto& group : groups) {
    std::fprintf(out, "| %s | %u |", group.front()->op.c_str(), group.front()->qd);
    for (const std::string& engine : engines) {
      const RowResult* row = Find(group, engine);
      if (row == nullptr) {
        std::fprintf(out, " — | — | — |");
      } else {
        std::fprintf(out, " %.1f / %.1f | %.0f | %.2f |", row->p50_us(), row->p99_us(), row->iops(),
                     row->cpu_us_per_op());
      }
    }
    if (both) PrintRatio(out, Find(group, "uring"), Find(group, "threads"));
    if (sqpoll) PrintRatio(out, Find(group, "uring+sqpoll"), Find(group, "uring"));
    std::fprintf(out, "\n");
  }
  std::fprintf(out,
               "\nRatios say how many times faster the first engine is: by IOPS for randread, by "
               "p50 latency otherwise (batch8_read: the time of the whole batch).\n");
}

}  // namespace ferrite::iobench
