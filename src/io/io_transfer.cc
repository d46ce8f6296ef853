#include "io/io_transfer.h"

#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <utility>

#include "util/cycle_clock.h"

namespace ferrite {

std::string_view IoOpcodeName(IoOpcode opcode) {
  switch (opcode) {
    case IoOpcode::kRead: return "read";
    case IoOpcode::kWrite: return "write";
    case IoOpcode::kReadv: return "readv";
    case IoOpcode::kWritev: return "writev";
    case IoOpcode::kFsync: return "fsync";
    case IoOpcode::kFdatasync: return "fdatasync";
  }
  return "unknown";
}

Status IoResult::ToStatus(std::string_view context) const {
  if (ok()) return Status::Ok();
  return Status::FromErrno(error(), context);
}

size_t IoRequest::TotalLength() const {
  switch (opcode) {
    case IoOpcode::kRead:
    case IoOpcode::kWrite:
      return length;
    case IoOpcode::kReadv:
    case IoOpcode::kWritev: {
      size_t total = 0;
      for (int i = 0; i < iov_count; ++i) total += iov[i].iov_len;
      return total;
    }
    case IoOpcode::kFsync:
    case IoOpcode::kFdatasync:
      return 0;
  }
  return 0;
}

TransferPiece RemainingPiece(const IoRequest& request) {
  TransferPiece piece;
  size_t done = request.engine.done;
  piece.offset = request.offset == kCurrentPosition ? kCurrentPosition : request.offset + done;
  if (request.opcode == IoOpcode::kRead || request.opcode == IoOpcode::kWrite) {
    piece.buffer = static_cast<std::byte*>(request.buffer) + done;
    // Larger transfers go in several attempts: the kernel moves at most about 2 GiB per
    // call, and io_uring lengths are 32-bit.
    piece.length = std::min(request.length - done, kMaxAttemptLength);
  } else if (request.opcode == IoOpcode::kReadv || request.opcode == IoOpcode::kWritev) {
    if (done == 0) {
      piece.iov = request.iov;
      piece.iov_count = request.iov_count;
    } else {
      piece.iov = request.engine.rest.data();
      piece.iov_count = static_cast<int>(request.engine.rest.size());
    }
  }
  return piece;
}

namespace {

// Rebuilds the remaining iovecs after `done` bytes of the caller's array have moved.
void SkipVectored(IoRequest& request) {
  std::vector<iovec>& rest = request.engine.rest;
  rest.clear();
  size_t skip = request.engine.done;
  for (int i = 0; i < request.iov_count; ++i) {
    iovec piece = request.iov[i];
    if (skip >= piece.iov_len) {
      skip -= piece.iov_len;
      continue;
    }
    piece.iov_base = static_cast<std::byte*>(piece.iov_base) + skip;
    piece.iov_len -= skip;
    skip = 0;
    rest.push_back(piece);
  }
}

}  // namespace

bool AdvanceTransfer(IoRequest& request, int64_t raw, IoResult* result) {
  if (raw == -EINTR || raw == -EAGAIN) {  // try the same piece again
    ++request.engine.resubmissions;
    return false;
  }
  if (raw < 0) {
    *result = IoResult::Error(static_cast<int>(-raw));
    return true;
  }
  if (IsSyncOpcode(request.opcode)) {
    *result = IoResult::Bytes(0);
    return true;
  }
  size_t total = request.TotalLength();
  if (raw == 0 && request.engine.done < total) {
    // A read that moves nothing has reached end of file; a write that moves nothing
    // would loop forever, so it fails.
    *result = IsReadOpcode(request.opcode) ? IoResult::Bytes(request.engine.done)
                                           : IoResult::Error(EIO);
    return true;
  }
  request.engine.done += static_cast<size_t>(raw);
  if (request.engine.done >= total) {
    *result = IoResult::Bytes(request.engine.done);
    return true;
  }
  ++request.engine.resubmissions;
  if (request.opcode == IoOpcode::kReadv || request.opcode == IoOpcode::kWritev) {
    SkipVectored(request);
  }
  return false;
}

int64_t PerformAttempt(const IoRequest& request) {
  TransferPiece piece = RemainingPiece(request);
  bool positioned = piece.offset != kCurrentPosition;
  auto offset = static_cast<off_t>(piece.offset);
  ssize_t n = 0;
  switch (request.opcode) {
    case IoOpcode::kRead:
      n = positioned ? pread(request.fd, piece.buffer, piece.length, offset)
                     : read(request.fd, piece.buffer, piece.length);
      break;
    case IoOpcode::kWrite:
      n = positioned ? pwrite(request.fd, piece.buffer, piece.length, offset)
                     : write(request.fd, piece.buffer, piece.length);
      break;
    case IoOpcode::kReadv:
      n = positioned ? preadv(request.fd, piece.iov, piece.iov_count, offset)
                     : readv(request.fd, piece.iov, piece.iov_count);
      break;
    case IoOpcode::kWritev:
      n = positioned ? pwritev(request.fd, piece.iov, piece.iov_count, offset)
                     : writev(request.fd, piece.iov, piece.iov_count);
      break;
    case IoOpcode::kFsync:
      n = fsync(request.fd);
      break;
    case IoOpcode::kFdatasync:
      n = fdatasync(request.fd);
      break;
  }
  return n < 0 ? -static_cast<int64_t>(errno) : static_cast<int64_t>(n);
}

void FinishRequest(IoRequest& request, IoResult result, IoStats& stats, uint64_t now_ticks) {
  ++stats.completed_by_opcode[static_cast<size_t>(request.opcode)];
  if (!result.ok()) {
    ++stats.errors;
  } else if (IsReadOpcode(request.opcode)) {
    stats.bytes_read += result.bytes();
  } else if (IsWriteOpcode(request.opcode)) {
    stats.bytes_written += result.bytes();
  }
  if (request.engine.start_ticks != 0 && now_ticks >= request.engine.start_ticks) {
    stats.latency.Record(CycleClock::ToNanos(now_ticks - request.engine.start_ticks));
  }
  stats.resubmissions += request.engine.resubmissions;
  request.engine.next = nullptr;
  request.engine.done = 0;
  request.engine.resubmissions = 0;
  request.engine.start_ticks = 0;
  request.engine.rest.clear();
  IoRequest::Callback callback = std::move(request.callback);
  request.callback = nullptr;
  callback(result);
}

size_t FinishAll(RequestQueue& finished, IoStats& stats, size_t& in_flight) {
  size_t ran = 0;
  uint64_t now = CycleClock::Now();
  while (IoRequest* request = finished.PopFront()) {
    int64_t raw = request->engine.raw_result;
    IoResult result = raw < 0 ? IoResult::Error(static_cast<int>(-raw))
                              : IoResult::Bytes(static_cast<size_t>(raw));
    --in_flight;
    ++ran;
    FinishRequest(*request, result, stats, now);
  }
  return ran;
}

}  // namespace ferrite
