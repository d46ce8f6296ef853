// The load phase of `ferrite-bench embedded`: writes keys 0..N-1 of the key space through
// SetAsync, at most `window` in flight, and waits until every write has completed.
#pragma once

#include <cstdint>

#include "ferrite/db.h"
#include "key_space.h"
#include "phase_timer.h"

namespace ferrite::bench {

// The phase's times, or the first failed write's status (naming its key) once the
// writes in flight have completed.
Result<PhaseTimes> LoadKeys(Db& db, const KeySpace& keys, uint32_t window);

}  // namespace ferrite::bench
