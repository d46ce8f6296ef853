// UringEngine: the IoEngine contract on one io_uring per owning thread (ADR 0007).
// Prepared requests wait in a queue until Submit() fills the submission ring with as
// many as fit (and as the completion ring can take back: the engine never has more in
// the kernel than the completion ring holds, so completions are never dropped or held
// back by the kernel). Completions are reaped in Poll(); an eventfd registered with
// the ring lets the owner's event loop wake for them.
#pragma once

#include <liburing.h>

#include <memory>
#include <string>
#include <vector>

#include "io/io_engine.h"
#include "io/io_options.h"
#include "io/request_queue.h"

namespace ferrite {

class UringEngine final : public IoEngine {
 public:
  // Fails, saying why, when a ring can't be set up with these options or the kernel
  // lacks an operation the engine uses.
  static Result<std::unique_ptr<UringEngine>> Create(const IoOptions& options);
  ~UringEngine() override;

  std::string_view name() const override { return "uring"; }
  std::string settings() const override;
  void Prepare(IoRequest& request) override;
  size_t Submit() override;
  size_t Poll() override;
  size_t Wait(size_t min_completions) override;
  // The eventfd is registered with the ring on the first call, so that an owner that
  // only calls Wait() never pays for its signals; completions that arrive before that
  // call do not signal it.
  int completion_fd() const override;
  size_t in_flight() const override { return in_flight_; }
  Status RegisterFile(int fd) override;
  void UnregisterFile(int fd) override;
  IoBufferPool& buffers() override { return *buffers_; }
  const IoStats& stats() const override { return stats_; }
  void ResetStats() override { stats_ = IoStats(); }

  // Reads and writes that went in as fixed-buffer operations (memory from buffers()).
  uint64_t fixed_buffer_ops() const { return fixed_buffer_ops_; }
  size_t registered_files() const { return kFileSlots - free_slots_.size(); }
  static constexpr unsigned file_slots() { return kFileSlots; }
  // Ring sizes as the kernel set them up.
  unsigned sq_entries() const { return ring_.sq.ring_entries; }
  unsigned cq_entries() const { return ring_.cq.ring_entries; }

 private:
  static constexpr unsigned kFileSlots = 256;

  explicit UringEngine(const IoOptions& options) : options_(options) {}
  Status Init();
  void FillSqe(io_uring_sqe* sqe, IoRequest& request);
  // Moves queued requests into free submission entries; returns how many.
  size_t FillSubmissionRing();
  size_t Reap();

  const IoOptions options_;
  io_uring ring_{};
  bool ring_ready_ = false;
  mutable int event_fd_ = -1;
  std::unique_ptr<IoBufferPool> buffers_;
  bool buffers_registered_ = false;
  std::string buffers_note_;  // why the pool is not registered, for settings()
  bool files_registered_ = false;
  // fd -> fixed file slot, or -1; and the slots not in use.
  std::vector<int> file_slot_;
  std::vector<int> free_slots_;

  RequestQueue prepared_;
  uint64_t fixed_buffer_ops_ = 0;
  size_t in_kernel_ = 0;  // submitted, completion not yet reaped
  size_t in_flight_ = 0;  // prepared, callback not yet run
  IoStats stats_;
};

// Whether io_uring can be used here with these options: ring creation with the flags
// the engine asks for, and every opcode it uses. OK, or the reason it can't.
Status ProbeUring(const IoOptions& options);

}  // namespace ferrite
