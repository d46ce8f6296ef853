#include "io/uring_engine.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/io_transfer.h"
#include "util/cycle_clock.h"

namespace ferrite {
namespace {

Status UringError(int negative_errno, std::string_view what) {
  return Status::FromErrno(-negative_errno, std::string("io_uring: ") + std::string(what));
}

struct RequiredOpcode {
  int opcode;
  const char* name;
};
constexpr RequiredOpcode kRequiredOpcodes[] = {
    {IORING_OP_READ, "READ"},         {IORING_OP_WRITE, "WRITE"},
    {IORING_OP_READV, "READV"},       {IORING_OP_WRITEV, "WRITEV"},
    {IORING_OP_READ_FIXED, "READ_FIXED"}, {IORING_OP_WRITE_FIXED, "WRITE_FIXED"},
    {IORING_OP_FSYNC, "FSYNC"},
};

// Sets up `ring`, trying the flags that lower completion overhead first and plain
// flags when the kernel refuses them.
int SetUpRing(io_uring* ring, const IoOptions& options) {
  io_uring_params params{};
  params.cq_entries = options.uring_entries * 2;
  params.flags = IORING_SETUP_CQSIZE;
  if (options.uring_sqpoll) {
    params.flags |= IORING_SETUP_SQPOLL;
    params.sq_thread_idle = 1000;  // ms of idleness before the kernel thread sleeps
  } else {
    // Completions are delivered when the owner next enters the kernel instead of by
    // interrupting it (Linux 5.19); harmless to ask for and refused by older kernels.
    params.flags |= IORING_SETUP_COOP_TASKRUN;
  }
  int rc = io_uring_queue_init_params(options.uring_entries, ring, &params);
  if (rc == -EINVAL && (params.flags & IORING_SETUP_COOP_TASKRUN)) {
    params = io_uring_params{};
    params.cq_entries = options.uring_entries * 2;
    params.flags = IORING_SETUP_CQSIZE;
    rc = io_uring_queue_init_params(options.uring_entries, ring, &params);
  }
  return rc;
}

}  // namespace

Status ProbeUring(const IoOptions& options) {
  if (options.uring_entries == 0 || options.uring_entries > 32768) {
    return Status::InvalidArgument("uring_entries must be between 1 and 32768");
  }
  io_uring ring{};
  int rc = SetUpRing(&ring, options);
  if (rc < 0) return UringError(rc, "creating a ring");
  Status status;
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr) {
    status = Status::NotSupported("io_uring: the kernel can't list its operations (before 5.6)");
  } else {
    for (const RequiredOpcode& required : kRequiredOpcodes) {
      if (!io_uring_opcode_supported(probe, required.opcode)) {
        status = Status::NotSupported(std::string("io_uring: the kernel lacks operation ") +
                                      required.name);
        break;
      }
    }
    io_uring_free_probe(probe);
  }
  io_uring_queue_exit(&ring);
  return status;
}

Result<std::unique_ptr<UringEngine>> UringEngine::Create(const IoOptions& options) {
  std::unique_ptr<UringEngine> engine(new UringEngine(options));
  Status status = engine->Init();
  if (!status.ok()) return status;
  return engine;
}

Status UringEngine::Init() {
  Status probed = ProbeUring(options_);
  if (!probed.ok()) return probed;
  int rc = SetUpRing(&ring_, options_);
  if (rc < 0) return UringError(rc, "creating a ring");
  ring_ready_ = true;

  auto pool = IoBufferPool::Create(options_.registered_buffers, options_.registered_buffer_size);
  if (!pool.ok()) return pool.status();
  buffers_ = std::move(pool).value();
  if (buffers_->count() > 0) {
    std::vector<iovec> iovs(buffers_->count());
    for (uint32_t i = 0; i < buffers_->count(); ++i) {
      iovs[i] = {buffers_->buffer_data(static_cast<int>(i)), buffers_->buffer_size()};
    }
    rc = io_uring_register_buffers(&ring_, iovs.data(), static_cast<unsigned>(iovs.size()));
    if (rc == -ENOMEM || rc == -EPERM) {
      // Registered buffers count as locked memory (RLIMIT_MEMLOCK, often 8 MiB for
      // users other than root). The pool then works as plain memory: every operation
      // still runs, only without the saving of fixed buffers.
      buffers_note_ = " (not registered: locked-memory limit, see ulimit -l)";
    } else if (rc < 0) {
      return UringError(rc, "registering fixed buffers");
    } else {
      buffers_registered_ = true;
    }
  }
  rc = io_uring_register_files_sparse(&ring_, kFileSlots);
  if (rc < 0) return UringError(rc, "registering the file table");
  files_registered_ = true;
  for (unsigned i = kFileSlots; i > 0; --i) free_slots_.push_back(static_cast<int>(i - 1));
  return Status::Ok();
}

UringEngine::~UringEngine() {
  if (ring_ready_) {
    Drain();
    io_uring_queue_exit(&ring_);  // unregisters buffers, files and the eventfd
  }
  if (event_fd_ >= 0) close(event_fd_);
}

std::string UringEngine::settings() const {
  return "entries=" + std::to_string(sq_entries()) + " cq_entries=" + std::to_string(cq_entries()) +
         " registered_buffers=" + std::to_string(buffers_->count()) + "x" +
         std::to_string(buffers_->buffer_size()) + buffers_note_ + " sqpoll=" + (options_.uring_sqpoll ? "yes" : "no");
}

int UringEngine::completion_fd() const {
  if (event_fd_ < 0) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) return -1;
    auto* ring = const_cast<io_uring*>(&ring_);
    if (io_uring_register_eventfd(ring, fd) < 0) {
      close(fd);
      return -1;
    }
    event_fd_ = fd;
  }
  return event_fd_;
}

Status UringEngine::RegisterFile(int fd) {
  if (fd < 0) return Status::InvalidArgument("registering a negative file descriptor");
  if (static_cast<size_t>(fd) < file_slot_.size() && file_slot_[fd] >= 0) return Status::Ok();
  if (free_slots_.empty()) {
    return Status::ResourceExhausted("io_uring: all " + std::to_string(kFileSlots) +
                                     " registered file slots are in use");
  }
  int slot = free_slots_.back();
  int rc = io_uring_register_files_update(&ring_, static_cast<unsigned>(slot), &fd, 1);
  if (rc < 0) return UringError(rc, "registering a file");
  free_slots_.pop_back();
  if (file_slot_.size() <= static_cast<size_t>(fd)) file_slot_.resize(fd + 1, -1);
  file_slot_[fd] = slot;
  return Status::Ok();
}

void UringEngine::UnregisterFile(int fd) {
  if (fd < 0 || static_cast<size_t>(fd) >= file_slot_.size() || file_slot_[fd] < 0) return;
  // Operations already submitted hold their own reference to the file; new ones will
  // name the plain descriptor.
  int slot = file_slot_[fd];
  int empty = -1;
  io_uring_register_files_update(&ring_, static_cast<unsigned>(slot), &empty, 1);
  file_slot_[fd] = -1;
  free_slots_.push_back(slot);
}

void UringEngine::Prepare(IoRequest& request) {
  request.engine.done = 0;
  request.engine.resubmissions = 0;
  request.engine.start_ticks = 0;
  prepared_.PushBack(&request);
  ++in_flight_;
}

void UringEngine::FillSqe(io_uring_sqe* sqe, IoRequest& request) {
  TransferPiece piece = RemainingPiece(request);
  // -1 asks the kernel for the file position (streams).
  uint64_t offset = piece.offset == kCurrentPosition ? static_cast<uint64_t>(-1) : piece.offset;
  auto length = static_cast<unsigned>(piece.length);
  switch (request.opcode) {
    case IoOpcode::kRead:
    case IoOpcode::kWrite: {
      int index = buffers_registered_ ? buffers_->IndexOf(piece.buffer, piece.length) : -1;
      bool read = request.opcode == IoOpcode::kRead;
      if (index >= 0) {
        ++fixed_buffer_ops_;
        if (read) {
          io_uring_prep_read_fixed(sqe, request.fd, piece.buffer, length, offset, index);
        } else {
          io_uring_prep_write_fixed(sqe, request.fd, piece.buffer, length, offset, index);
        }
      } else if (read) {
        io_uring_prep_read(sqe, request.fd, piece.buffer, length, offset);
      } else {
        io_uring_prep_write(sqe, request.fd, piece.buffer, length, offset);
      }
      break;
    }
    case IoOpcode::kReadv:
      io_uring_prep_readv(sqe, request.fd, piece.iov, static_cast<unsigned>(piece.iov_count),
                          offset);
      break;
    case IoOpcode::kWritev:
      io_uring_prep_writev(sqe, request.fd, piece.iov, static_cast<unsigned>(piece.iov_count),
                           offset);
      break;
    case IoOpcode::kFsync:
      io_uring_prep_fsync(sqe, request.fd, 0);
      break;
    case IoOpcode::kFdatasync:
      io_uring_prep_fsync(sqe, request.fd, IORING_FSYNC_DATASYNC);
      break;
  }
  if (request.fd >= 0 && static_cast<size_t>(request.fd) < file_slot_.size() &&
      file_slot_[request.fd] >= 0) {
    sqe->fd = file_slot_[request.fd];
    sqe->flags |= IOSQE_FIXED_FILE;
  }
  io_uring_sqe_set_data(sqe, &request);
}

size_t UringEngine::FillSubmissionRing() {
  size_t handed = 0;
  uint64_t now = CycleClock::Now();
  // Room in the kernel is bounded by the completion ring, so no completion overflows.
  while (!prepared_.empty() && in_kernel_ < cq_entries()) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) break;  // submission ring full: it must be submitted first
    IoRequest* request = prepared_.PopFront();
    if (request->engine.start_ticks == 0) request->engine.start_ticks = now;
    FillSqe(sqe, *request);
    ++in_kernel_;
    ++handed;
  }
  return handed;
}

size_t UringEngine::Submit() {
  size_t handed = 0;
  for (;;) {
    handed += FillSubmissionRing();
    // Also true when an earlier io_uring_submit() failed for lack of kernel resources
    // and left entries behind: they go in now.
    if (io_uring_sq_ready(&ring_) == 0) break;
    int rc;
    do {
      rc = io_uring_submit(&ring_);
    } while (rc == -EINTR);
    ++stats_.submit_calls;
    if (rc < 0) break;  // EAGAIN, EBUSY: the entries stay queued for the next call
    if (prepared_.empty() || in_kernel_ >= cq_entries()) break;
  }
  return handed;
}

size_t UringEngine::Reap() {
  RequestQueue finished;
  io_uring_cqe* cqe;
  unsigned head;
  unsigned seen = 0;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    ++seen;
    auto* request = static_cast<IoRequest*>(io_uring_cqe_get_data(cqe));
    IoResult result = IoResult::Bytes(0);
    if (AdvanceTransfer(*request, cqe->res, &result)) {
      request->engine.raw_result =
          result.ok() ? static_cast<int64_t>(result.bytes()) : -static_cast<int64_t>(result.error());
      finished.PushBack(request);
    } else {
      prepared_.PushFront(request);  // the rest of a partial transfer goes first
    }
  }
  io_uring_cq_advance(&ring_, seen);
  in_kernel_ -= seen;
  // Callbacks run after the ring is advanced, so they may prepare and submit more.
  size_t ran = FinishAll(finished, stats_, in_flight_);
  return ran;
}

size_t UringEngine::Poll() {
  if (event_fd_ >= 0) {
    uint64_t count;
    ssize_t got = read(event_fd_, &count, sizeof(count));
    (void)got;  // EAGAIN when no signal is pending
  }
  size_t ran = Reap();
  if (!prepared_.empty()) Submit();
  return ran;
}

size_t UringEngine::Wait(size_t min_completions) {
  size_t ran = Reap();
  while (ran < min_completions && in_flight_ > 0) {
    // One system call both submits what is queued (including what callbacks just
    // prepared) and sleeps until a completion: the cycle of a waiting owner.
    FillSubmissionRing();
    if (io_uring_sq_ready(&ring_) > 0) ++stats_.submit_calls;
    int rc = io_uring_submit_and_wait(&ring_, 1);
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY && rc != -ETIME) break;
    ran += Reap();
  }
  return ran;
}

}  // namespace ferrite
