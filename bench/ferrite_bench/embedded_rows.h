// The rows `ferrite-bench embedded` reports, each as a line for people and a JSON object:
// the load, the memory each key takes, and every read phase, with the Db's own counters
// (DbStats deltas) saying where the GETs found their records.
#pragma once

#include <cstdint>
#include <string>

#include "embedded_reads.h"
#include "ferrite/db.h"
#include "key_chooser.h"
#include "phase_timer.h"
#include "report_row.h"

namespace ferrite::bench {

// What every row repeats, so that a row read alone says what was measured.
struct EmbeddedRunInfo {
  std::string engine;  // the one the Db runs: "uring" or "threads"
  uint32_t shards = 1;
  uint64_t keys = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
  uint64_t memory_budget = 0;
};

// op "load": SETs per second, and the log's size against the budget once loaded.
void ReportLoad(const Reporter& reporter, const EmbeddedRunInfo& info, const PhaseTimes& load,
                double checkpoint_seconds, const DbStats& stats);

// op "memory": (index_bytes + log_bytes_in_memory) / keys, and what that is over the key
// and value bytes. InvalidArgument (and no row) when part of the log is on disk: the
// figure would leave those records out.
Status ReportMemory(const Reporter& reporter, const EmbeddedRunInfo& info, const DbStats& stats);

// op "get": GETs per second, latency, and from the stats' deltas the share of GETs served
// from memory and the disk reads per GET.
void ReportGets(const Reporter& reporter, const EmbeddedRunInfo& info, Distribution distribution,
                const ReadPhaseSpec& spec, const ReadPhaseResult& result, const DbStats& before,
                const DbStats& after);

}  // namespace ferrite::bench
