// How the I/O layer is set up: filled from the `[io]` section of the configuration (or
// by an embedding program) and passed to CreateIoEngine().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ferrite {

enum class IoEngineKind : uint8_t { kAuto, kUring, kThreads };

std::string_view IoEngineKindName(IoEngineKind kind);

struct IoOptions {
  IoEngineKind engine = IoEngineKind::kAuto;
  // UringEngine: submission queue entries (the completion queue has twice as many).
  // Operations beyond what the ring holds wait in the engine's queue.
  uint32_t uring_entries = 256;
  // Buffers registered with the kernel (fixed buffers), each registered_buffer_size
  // bytes and aligned for O_DIRECT. Reads and writes inside them skip the kernel's
  // per-operation page pinning.
  uint32_t registered_buffers = 64;
  size_t registered_buffer_size = 64 * 1024;
  // A kernel thread polls the submission queue; it costs a core (off by default: on a
  // 2-core machine it takes half the CPU).
  bool uring_sqpoll = false;
  // Log files are opened with O_DIRECT (no page cache) when true.
  bool direct_io = true;
  // ThreadPoolEngine: worker threads doing pread/pwrite/fsync.
  uint32_t pool_threads = 8;
};

}  // namespace ferrite
