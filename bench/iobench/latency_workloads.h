// The latency rows: one operation, or one batch, at a time, each timed from just before
// Prepare() to its callback (the last callback for a batch), which is what a shard
// thread waiting on a single disk read sees.
#pragma once

#include <cstddef>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "slice.h"

namespace ferrite::iobench {

// 4 KiB reads or writes at random offsets, one at a time.
Result<SliceResult> RunSingleTransfers(IoEngine& engine, IoOpcode opcode, const SliceSpec& spec);

// fsync after a 4 KiB write at a random offset (the write is not timed; the CPU time
// covers both), as an append-only log syncs after each append.
Result<SliceResult> RunFsyncs(IoEngine& engine, const SliceSpec& spec);

// `batch` 4 KiB reads at random offsets prepared together and handed over by one
// Submit(); the time is the whole batch's.
Result<SliceResult> RunReadBatches(IoEngine& engine, size_t batch, const SliceSpec& spec);

}  // namespace ferrite::iobench
