// A read phase of `ferrite-bench embedded`: GETs through GetAsync with `queue_depth` of
// them always in flight. Each completion checks its value against the key space and
// issues the next GET itself, so the depth holds without a thread in between.
#pragma once

#include <cstdint>

#include "ferrite/db.h"
#include "key_chooser.h"
#include "key_space.h"
#include "phase_timer.h"
#include "util/latency_histogram.h"

namespace ferrite::bench {

struct ReadPhaseSpec {
  uint32_t queue_depth = 1;
  // The phase issues GETs for `seconds`, or `max_ops` GETs when that is set; either way
  // it ends when the last GET in flight has completed.
  double seconds = 10.0;
  uint64_t max_ops = 0;
  uint64_t seed = 1;
};

struct ReadPhaseResult {
  PhaseTimes times;
  uint64_t ops = 0;
  LatencyHistogram latency;  // nanoseconds from GetAsync to its callback
};

// The GETs' figures, or the first failure: an error from the Db, a missing key, or a
// value other than the one the key was loaded with (Corruption).
Result<ReadPhaseResult> RunGets(Db& db, const KeySpace& keys, const KeyChooser& chooser,
                                const ReadPhaseSpec& spec);

}  // namespace ferrite::bench
