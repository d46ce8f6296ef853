// The throughput rows: random 4 KiB reads with `depth` requests kept in flight for the
// whole slice (each callback prepares the next read at once), as a shard thread serving
// many misses to disk would. Latency is per read, from its Prepare() to its callback.
#pragma once

#include <cstdint>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "slice.h"

namespace ferrite::iobench {

Result<SliceResult> RunQueueDepth(IoEngine& engine, uint32_t depth, const SliceSpec& spec);

}  // namespace ferrite::iobench
