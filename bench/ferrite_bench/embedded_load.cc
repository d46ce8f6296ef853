#include "embedded_load.h"

#include <memory>
#include <semaphore>
#include <string>

#include "first_failure.h"

namespace ferrite::bench {
namespace {

// Shared with the callbacks (each holds a reference), so that a callback still inside
// release() never finds it gone after the main thread took its last slot back.
struct LoadState {
  explicit LoadState(uint32_t window) : slots(window) {}
  // Each write takes a slot that its callback gives back; release() never blocks, so it
  // may run on a shard thread.
  std::counting_semaphore<> slots;
  FirstFailure failure;
};

}  // namespace

Result<PhaseTimes> LoadKeys(Db& db, const KeySpace& keys, uint32_t window) {
  auto state = std::make_shared<LoadState>(window);
  std::string key;
  std::string value;
  PhaseTimer timer;
  timer.Start();
  for (uint64_t i = 0; i < keys.keys() && !state->failure.failed(); ++i) {
    keys.KeyOf(i, key);
    keys.ValueOf(i, value);
    state->slots.acquire();
    db.SetAsync(key, value, [state, i](Status status) {
      if (!status.ok()) state->failure.Set("SET of key " + std::to_string(i), std::move(status));
      state->slots.release();
    });
  }
  for (uint32_t i = 0; i < window; ++i) state->slots.acquire();
  PhaseTimes times = timer.Stop();
  if (state->failure.failed()) return state->failure.ToStatus();
  return times;
}

}  // namespace ferrite::bench
