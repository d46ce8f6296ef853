#include "io/engine_factory.h"

#include "io/thread_pool_engine.h"
#include "io/uring_engine.h"

namespace ferrite {

std::string_view IoEngineKindName(IoEngineKind kind) {
  switch (kind) {
    case IoEngineKind::kAuto: return "auto";
    case IoEngineKind::kUring: return "uring";
    case IoEngineKind::kThreads: return "threads";
  }
  return "unknown";
}

Result<EngineChoice> ChooseIoEngine(const IoOptions& options) {
  if (options.engine == IoEngineKind::kThreads) return EngineChoice{IoEngineKind::kThreads, ""};
  // A ring with these options and a check of every opcode; no buffers are registered,
  // so the probe holds no locked memory that the owners' engines will need.
  Status probe = ProbeUring(options);
  if (probe.ok()) return EngineChoice{IoEngineKind::kUring, ""};
  std::string reason(probe.message());
  if (options.engine == IoEngineKind::kUring) {
    return Status::NotSupported("io engine \"uring\" is unavailable: " + reason);
  }
  return EngineChoice{IoEngineKind::kThreads, std::move(reason)};
}

Result<std::unique_ptr<IoEngine>> CreateIoEngine(IoEngineKind kind, const IoOptions& options) {
  if (kind == IoEngineKind::kUring) {
    auto engine = UringEngine::Create(options);
    if (!engine.ok()) return engine.status();
    return std::unique_ptr<IoEngine>(std::move(engine).value());
  }
  auto engine = ThreadPoolEngine::Create(options);
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<IoEngine>(std::move(engine).value());
}

Result<std::unique_ptr<IoEngine>> CreateIoEngine(const IoOptions& options,
                                                 std::string* fallback_reason) {
  auto choice = ChooseIoEngine(options);
  if (!choice.ok()) return choice.status();
  if (fallback_reason != nullptr) *fallback_reason = choice->fallback_reason;
  return CreateIoEngine(choice->kind, options);
}

}  // namespace ferrite
