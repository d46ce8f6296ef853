// Chooses and creates the IoEngine the options ask for (ADR 0007): `uring` or fails
// saying why; `threads`; `auto`: io_uring when a ring with these options can be created
// and has every opcode the engine uses, else the thread pool, with the reason.
#pragma once

#include <memory>
#include <string>

#include "ferrite/status.h"
#include "io/io_engine.h"
#include "io/io_options.h"

namespace ferrite {

struct EngineChoice {
  IoEngineKind kind = IoEngineKind::kThreads;  // never kAuto
  // Why `auto` did not choose io_uring; empty otherwise. Callers log it once.
  std::string fallback_reason;
};

// Decides once, at startup, which engine every owner thread will create. An error only
// for `uring` when io_uring can't be used.
Result<EngineChoice> ChooseIoEngine(const IoOptions& options);

// Creates one engine of the chosen kind (options.engine is ignored). Fails only when
// resources run out (a ring, threads, memory).
Result<std::unique_ptr<IoEngine>> CreateIoEngine(IoEngineKind kind, const IoOptions& options);

// Both steps, for embedding programs and tests that want one engine: fallback_reason
// (may be null) receives the reason when `auto` fell back.
Result<std::unique_ptr<IoEngine>> CreateIoEngine(const IoOptions& options,
                                                 std::string* fallback_reason = nullptr);

}  // namespace ferrite
