// Counters an engine keeps about its operations, read by INFO's `# IO` section and by
// ferrite-iobench. Written by the owner thread only; copies are merged across threads.
#pragma once

#include <array>
#include <cstdint>

#include "io/io_request.h"
#include "util/latency_histogram.h"

namespace ferrite {

struct IoStats {
  std::array<uint64_t, 6> completed_by_opcode{};  // indexed by IoOpcode
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t errors = 0;
  // Transfers the kernel (or a worker) left partial and the engine resubmitted.
  uint64_t resubmissions = 0;
  // Batches handed over: io_uring_submit() calls, or wake-ups of the worker pool.
  uint64_t submit_calls = 0;
  // Submit() to callback, as the owner sees it.
  LatencyHistogram latency;

  uint64_t completed() const {
    uint64_t sum = 0;
    for (uint64_t n : completed_by_opcode) sum += n;
    return sum;
  }
  void Merge(const IoStats& other) {
    for (size_t i = 0; i < completed_by_opcode.size(); ++i) {
      completed_by_opcode[i] += other.completed_by_opcode[i];
    }
    bytes_read += other.bytes_read;
    bytes_written += other.bytes_written;
    errors += other.errors;
    resubmissions += other.resubmissions;
    submit_calls += other.submit_calls;
    latency.Merge(other.latency);
  }
};

}  // namespace ferrite
