#include "embedded_rows.h"

#include <cstdio>

#include "latency_report.h"

namespace ferrite::bench {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

ReportRow BaseRow(const EmbeddedRunInfo& info, std::string_view op) {
  ReportRow row;
  row.Text("mode", "embedded")
      .Text("op", op)
      .Text("engine", info.engine)
      .Count("shards", info.shards)
      .Count("keys", info.keys)
      .Count("key_bytes", info.key_bytes)
      .Count("value_bytes", info.value_bytes)
      .Count("memory_budget", info.memory_budget);
  return row;
}

double PerOp(double total, uint64_t ops) {
  return ops == 0 ? 0.0 : total / static_cast<double>(ops);
}

std::string Format(const char* format, auto... args) {
  char text[512];
  std::snprintf(text, sizeof(text), format, args...);
  return text;
}

}  // namespace

void ReportLoad(const Reporter& reporter, const EmbeddedRunInfo& info, const PhaseTimes& load,
                double checkpoint_seconds, const DbStats& stats) {
  const double sets_per_second = info.keys / load.wall_seconds;
  const double data_over_budget =
      static_cast<double>(stats.log_bytes_total) / static_cast<double>(info.memory_budget);
  ReportRow row = BaseRow(info, "load");
  row.Number("ops_per_s", sets_per_second, 0)
      .Number("seconds", load.wall_seconds)
      .Number("checkpoint_seconds", checkpoint_seconds)
      .Number("cpu_us_per_op", PerOp(load.cpu_seconds * 1e6, info.keys), 2)
      .Count("log_bytes_total", stats.log_bytes_total)
      .Count("log_bytes_in_memory", stats.log_bytes_in_memory)
      .Count("index_bytes", stats.index_bytes)
      .Number("data_over_budget", data_over_budget, 2);
  reporter.Print(row, Format("load     %s keys  %10s SET/s  %.2f s (checkpoint %.2f s)  "
                             "CPU %.2f µs/SET  log %.1f MiB, %.1f MiB of it in memory: "
                             "%.2fx the budget",
                             Grouped(info.keys).c_str(), Grouped(sets_per_second).c_str(),
                             load.wall_seconds, checkpoint_seconds,
                             PerOp(load.cpu_seconds * 1e6, info.keys), stats.log_bytes_total / kMiB,
                             stats.log_bytes_in_memory / kMiB, data_over_budget));
}

Status ReportMemory(const Reporter& reporter, const EmbeddedRunInfo& info, const DbStats& stats) {
  if (stats.log_bytes_in_memory < stats.log_bytes_total || stats.evictions > 0) {
    return Status::InvalidArgument(
        "memory phase: " + std::to_string(stats.log_bytes_total - stats.log_bytes_in_memory) +
        " log bytes are on disk only; give a --memory-budget that holds the whole data set");
  }
  const double bytes_per_key =
      static_cast<double>(stats.index_bytes + stats.log_bytes_in_memory) / info.keys;
  const double payload = static_cast<double>(info.key_bytes + info.value_bytes);
  ReportRow row = BaseRow(info, "memory");
  row.Count("index_bytes", stats.index_bytes)
      .Count("log_bytes_in_memory", stats.log_bytes_in_memory)
      .Count("log_memory_bytes", stats.log_memory_bytes)
      .Number("index_bytes_per_key", PerOp(stats.index_bytes, info.keys), 2)
      .Number("log_bytes_per_key", PerOp(stats.log_bytes_in_memory, info.keys), 2)
      .Number("bytes_per_key", bytes_per_key, 2)
      .Number("overhead_per_key", bytes_per_key - payload, 2);
  reporter.Print(
      row,
      Format("memory   %s keys  index %.1f MiB + log %.1f MiB = %.1f B/key: "
             "%.1f B/key over the %.0f B of key and value (index %.1f, log %.1f "
             "B/key; page frames allocated: %.1f MiB)",
             Grouped(info.keys).c_str(), stats.index_bytes / kMiB, stats.log_bytes_in_memory / kMiB,
             bytes_per_key, bytes_per_key - payload, payload, PerOp(stats.index_bytes, info.keys),
             PerOp(stats.log_bytes_in_memory, info.keys), stats.log_memory_bytes / kMiB));
  return Status::Ok();
}

void ReportGets(const Reporter& reporter, const EmbeddedRunInfo& info, Distribution distribution,
                const ReadPhaseSpec& spec, const ReadPhaseResult& result, const DbStats& before,
                const DbStats& after) {
  const uint64_t in_memory = (after.found_mutable - before.found_mutable) +
                             (after.found_read_only - before.found_read_only);
  const uint64_t on_disk = after.found_disk - before.found_disk;
  const uint64_t found = in_memory + on_disk;
  const double memory_share = found == 0 ? 0.0 : static_cast<double>(in_memory) / found;
  const double disk_reads_per_op = PerOp(after.disk_reads - before.disk_reads, result.ops);
  const double ops_per_second = result.ops / result.times.wall_seconds;
  const double cpu_us_per_op = PerOp(result.times.cpu_seconds * 1e6, result.ops);
  // How busy the shard threads were: 1.0 means every one of them ran all the time.
  const double shard_busy =
      result.times.shard_cpu_seconds / (result.times.wall_seconds * info.shards);
  const LatencySummary latency = Summarize(result.latency);

  ReportRow row = BaseRow(info, "get");
  row.Text("distribution", DistributionName(distribution))
      .Count("qd", spec.queue_depth)
      .Count("ops", result.ops)
      .Number("seconds", result.times.wall_seconds)
      .Number("ops_per_s", ops_per_second, 0);
  AddLatency(row, latency);
  row.Number("memory_share", memory_share, 4)
      .Number("disk_share", found == 0 ? 0.0 : 1.0 - memory_share, 4)
      .Number("disk_reads_per_op", disk_reads_per_op, 4)
      .Count("pending_lookups", after.pending_lookups - before.pending_lookups)
      .Number("cpu_us_per_op", cpu_us_per_op, 2)
      .Number("shard_busy", shard_busy, 3);
  reporter.Print(row, Format("get %-7s qd %3u %-7s %10s GET/s  %s  memory %5.1f%% disk %5.1f%%  "
                             "%.2f disk reads/GET  CPU %.1f µs/GET, shards %.0f%% busy",
                             std::string(DistributionName(distribution)).c_str(), spec.queue_depth,
                             info.engine.c_str(), Grouped(ops_per_second).c_str(),
                             LatencyText(latency).c_str(), 100 * memory_share,
                             found == 0 ? 0.0 : 100 * (1 - memory_share), disk_reads_per_op,
                             cpu_us_per_op, 100 * shard_busy));
}

}  // namespace ferrite::bench
