#include "storage/segment_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "storage/log_page.h"

namespace ferrite {
namespace {

constexpr std::string_view kSegmentPrefix = "log.";

// The segment number of a file named "log.<n>" (decimal, no sign or leading zeros), or
// nothing for any other name.
std::optional<uint64_t> ParseSegmentName(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix)) return std::nullopt;
  std::string_view digits = name.substr(kSegmentPrefix.size());
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  uint64_t number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return number;
}

constexpr uint64_t RoundDown(uint64_t value, uint64_t alignment) {
  return value / alignment * alignment;
}
constexpr uint64_t RoundUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool IsAligned(const void* pointer, uint64_t alignment) {
  return reinterpret_cast<uintptr_t>(pointer) % alignment == 0;
}

// `status` with `context` put in front of its message, keeping its code.
Status WithContext(const Status& status, const std::string& context) {
  std::string message = context + ": " + std::string(status.message());
  switch (status.code()) {
    case StatusCode::kNotFound:
      return Status::NotFound(std::move(message));
    case StatusCode::kNotSupported:
      return Status::NotSupported(std::move(message));
    case StatusCode::kInvalidArgument:
      return Status::InvalidArgument(std::move(message));
    default:
      return Status::Corruption(std::move(message));
  }
}

}  // namespace

// The callbacks of one Sync(): the batch completes when its last fdatasync does.
struct SegmentStore::SyncBatch {
  size_t remaining = 0;
  Status first_error;
  Callback callback;
};

// One operation in flight. Pooled: allocated on first need and reused, so steady-state
// I/O allocates nothing but what a std::function of the caller's needs.
struct SegmentStore::Operation {
  enum class Kind : uint8_t { kWritePage, kReadPage, kReadBytes, kSync };

  IoRequest request;
  Kind kind = Kind::kWritePage;
  Segment* segment = nullptr;  // null for the directory fsync
  uint64_t page_number = 0;
  LogAddress address = 0;
  uint64_t file_offset = 0;  // of the caller's range in the segment file
  size_t length = 0;         // the caller's length
  std::byte* dest = nullptr;
  // kReadBytes through an aligned buffer: where the caller's range starts in it.
  size_t skip = 0;
  IoBuffer pooled;
  AlignedBuffer scratch;
  std::shared_ptr<SyncBatch> batch;
  Callback callback;

  void Reset() {
    pooled.Release();
    scratch = AlignedBuffer();
    batch.reset();
    segment = nullptr;
    dest = nullptr;
    skip = 0;
  }
};

SegmentStore::SegmentStore(IoEngine& engine, SegmentStoreOptions options, int directory_fd)
    : engine_(engine), options_(std::move(options)), directory_fd_(directory_fd) {}

Result<std::unique_ptr<SegmentStore>> SegmentStore::Open(IoEngine& engine,
                                                         SegmentStoreOptions options) {
  if (Status status = options.geometry.Validate(); !status.ok()) return status;
  if (options.directory.empty()) return Status::InvalidArgument("log directory not set");
  std::error_code error;
  std::filesystem::create_directories(options.directory, error);
  if (error) {
    return Status::FromErrno(error.value(), "create log directory " + options.directory);
  }
  int directory_fd = open(options.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return Status::FromErrno(errno, "open log directory " + options.directory);
  std::unique_ptr<SegmentStore> store(new SegmentStore(engine, std::move(options), directory_fd));
  if (Status status = store->Discover(); !status.ok()) return status;
  return store;
}

SegmentStore::~SegmentStore() {
  // Requests point into ops_: none may be left in the engine when they go.
  while (in_flight_ > 0) engine_.Wait(1);
  for (auto& [number, segment] : segments_) CloseSegment(segment);
  close(directory_fd_);
}

std::string SegmentStore::SegmentPath(uint64_t segment_number) const {
  return options_.directory + "/" + std::string(kSegmentPrefix) + std::to_string(segment_number);
}

Status SegmentStore::Discover() {
  std::error_code error;
  std::filesystem::directory_iterator it(options_.directory, error);
  if (error) return Status::FromErrno(error.value(), "list log directory " + options_.directory);
  const uint64_t max_segment = options_.geometry.segment_of(kMaxAddress);
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    std::optional<uint64_t> number = ParseSegmentName(it->path().filename().string());
    if (!number || !it->is_regular_file(error)) continue;
    std::string path = it->path().string();
    if (*number > max_segment) {
      return Status::Corruption("segment file " + path + " is beyond the 48-bit address space");
    }
    uint64_t size = it->file_size(error);
    if (error) return Status::FromErrno(error.value(), "size of " + path);
    if (size > options_.geometry.segment_size()) {
      return Status::Corruption("segment file " + path + " holds " + std::to_string(size) +
                                " bytes, more than a segment (" + options_.geometry.ToString() +
                                "): written with another geometry?");
    }
    segment_files_.insert(*number);
  }
  if (error) return Status::FromErrno(error.value(), "list log directory " + options_.directory);
  return Status::Ok();
}

Result<SegmentStore::Segment*> SegmentStore::GetSegment(uint64_t segment_number, OpenMode mode) {
  if (auto found = segments_.find(segment_number); found != segments_.end()) {
    return &found->second;
  }
  std::string path = SegmentPath(segment_number);
  auto file = IoFile::Open(path, O_RDWR, 0644, options_.direct_io);
  if (!file.ok() && file.status().sys_errno() == ENOENT) {
    if (mode == OpenMode::kExisting) {
      return Status::NotFound("segment file " + path + " does not exist");
    }
    file = IoFile::Open(path, O_RDWR | O_CREAT, 0644, options_.direct_io);
    if (file.ok()) directory_dirty_ = true;
  }
  if (!file.ok()) return file.status();
  segment_files_.insert(segment_number);
  // Pages are written whole at page-aligned offsets: O_DIRECT needs the page size to be
  // a multiple of the file's alignment (always so for 4 KiB pages and common devices).
  if (file->direct() && (options_.geometry.page_size() % file->offset_alignment() != 0 ||
                         IoBufferPool::kAlignment % file->memory_alignment() != 0)) {
    return Status::NotSupported("segment file " + path + " needs O_DIRECT alignment " +
                                std::to_string(file->offset_alignment()) + "/" +
                                std::to_string(file->memory_alignment()) + ", which log pages of " +
                                std::to_string(options_.geometry.page_size()) + " bytes lack");
  }
  Segment& segment = segments_[segment_number];
  segment.number = segment_number;
  segment.file = std::move(file).value();
  // Registration only saves the kernel a lookup per I/O; when the engine's table is
  // full, requests simply go by descriptor.
  segment.registered = engine_.RegisterFile(segment.file.fd()).ok();
  return &segment;
}

void SegmentStore::CloseSegment(Segment& segment) {
  if (segment.registered) engine_.UnregisterFile(segment.file.fd());
  segment.registered = false;
  segment.file.Close();
}

SegmentStore::Operation* SegmentStore::AcquireOperation() {
  if (free_ops_.empty()) {
    ops_.push_back(std::make_unique<Operation>());
    Operation* op = ops_.back().get();
    op->request.callback = nullptr;
    free_ops_.push_back(op);
  }
  Operation* op = free_ops_.back();
  free_ops_.pop_back();
  return op;
}

void SegmentStore::Start(Operation& op) {
  op.request.callback = [this, &op](IoResult result) { OnComplete(op, result); };
  if (op.segment != nullptr) ++op.segment->in_flight;
  ++in_flight_;
  // Only prepared: the owner's next Poll() or Wait() submits everything prepared since
  // the last one in one batch (one system call for io_uring), however many reads a round
  // of operations started.
  engine_.Prepare(op.request);
}

void SegmentStore::OnComplete(Operation& op, IoResult result) {
  Status status;
  switch (op.kind) {
    case Operation::Kind::kWritePage:
      status = FinishWrite(op, result);
      break;
    case Operation::Kind::kReadPage:
      status = FinishReadPage(op, result);
      break;
    case Operation::Kind::kReadBytes:
      status = FinishReadBytes(op, result);
      break;
    case Operation::Kind::kSync:
      status =
          result.ToStatus((op.segment != nullptr ? "fdatasync " + op.segment->file.path()
                                                 : "fsync log directory " + options_.directory));
      break;
  }
  if (op.segment != nullptr) --op.segment->in_flight;
  --in_flight_;

  Callback callback = std::move(op.callback);
  std::shared_ptr<SyncBatch> batch = std::move(op.batch);
  op.Reset();
  free_ops_.push_back(&op);  // the caller's callback may start the next operation with it

  if (batch != nullptr) {
    if (!status.ok() && batch->first_error.ok()) batch->first_error = std::move(status);
    if (--batch->remaining == 0) batch->callback(std::move(batch->first_error));
    return;
  }
  callback(std::move(status));
}

std::string SegmentStore::Where(const Operation& op) const {
  return op.segment->file.path() + " offset " + std::to_string(op.file_offset);
}

Status SegmentStore::WritePage(uint64_t page_number, const std::byte* page, Callback callback) {
  const LogGeometry& geometry = options_.geometry;
  if (page_number > geometry.max_page()) {
    return Status::InvalidArgument("page " + std::to_string(page_number) +
                                   " is beyond the 48-bit address space");
  }
  if (!IsAligned(page, IoBufferPool::kAlignment)) {
    return Status::InvalidArgument("page buffer not aligned for direct I/O");
  }
  // A cheap guard against flushing the wrong buffer to the wrong place.
  uint64_t sealed_number = ReadPageHeader({page, kPageHeaderSize}).page_number;
  if (sealed_number != page_number) {
    return Status::InvalidArgument("page buffer is sealed for page " +
                                   std::to_string(sealed_number) + ", not " +
                                   std::to_string(page_number));
  }
  auto segment = GetSegment(geometry.segment_of_page(page_number), OpenMode::kCreate);
  if (!segment.ok()) return segment.status();

  Operation& op = *AcquireOperation();
  op.kind = Operation::Kind::kWritePage;
  op.segment = *segment;
  op.page_number = page_number;
  op.file_offset = geometry.offset_in_segment(geometry.page_start(page_number));
  op.length = geometry.page_size();
  op.callback = std::move(callback);
  op.request.opcode = IoOpcode::kWrite;
  op.request.fd = op.segment->file.fd();
  op.request.offset = op.file_offset;
  op.request.buffer = const_cast<std::byte*>(page);  // a write only reads it
  op.request.length = op.length;
  Start(op);
  return Status::Ok();
}

Status SegmentStore::FinishWrite(const Operation& op, IoResult result) {
  // Even a failed write may have reached the file in part: the next Sync() covers it.
  op.segment->dirty = true;
  std::string context = "write page " + std::to_string(op.page_number) + " to " + Where(op);
  if (!result.ok()) return result.ToStatus(context);
  if (result.bytes() != op.length) {
    return Status::FromErrno(EIO, context + ": only " + std::to_string(result.bytes()) + " of " +
                                      std::to_string(op.length) + " bytes written");
  }
  return Status::Ok();
}

Status SegmentStore::ReadPage(uint64_t page_number, std::byte* dest, Callback callback) {
  const LogGeometry& geometry = options_.geometry;
  if (page_number > geometry.max_page()) {
    return Status::InvalidArgument("page " + std::to_string(page_number) +
                                   " is beyond the 48-bit address space");
  }
  if (!IsAligned(dest, IoBufferPool::kAlignment)) {
    return Status::InvalidArgument("page buffer not aligned for direct I/O");
  }
  auto segment = GetSegment(geometry.segment_of_page(page_number), OpenMode::kExisting);
  if (!segment.ok()) return segment.status();

  Operation& op = *AcquireOperation();
  op.kind = Operation::Kind::kReadPage;
  op.segment = *segment;
  op.page_number = page_number;
  op.file_offset = geometry.offset_in_segment(geometry.page_start(page_number));
  op.length = geometry.page_size();
  op.dest = dest;
  op.callback = std::move(callback);
  op.request.opcode = IoOpcode::kRead;
  op.request.fd = op.segment->file.fd();
  op.request.offset = op.file_offset;
  op.request.buffer = dest;
  op.request.length = op.length;
  Start(op);
  return Status::Ok();
}

Status SegmentStore::FinishReadPage(const Operation& op, IoResult result) {
  std::string where = "page " + std::to_string(op.page_number) + " at " + Where(op);
  if (!result.ok()) return result.ToStatus("read " + where);
  if (result.bytes() == 0) return Status::NotFound(where + ": past the end of the file");
  if (result.bytes() < op.length) {
    return Status::Corruption(where + ": file ends after " + std::to_string(result.bytes()) +
                              " of the page's " + std::to_string(op.length) + " bytes");
  }
  Status verified = VerifyPage({op.dest, op.length}, op.page_number);
  if (!verified.ok()) return WithContext(verified, Where(op));
  return Status::Ok();
}

Status SegmentStore::ReadBytes(LogAddress address, size_t length, std::byte* dest,
                               Callback callback) {
  const LogGeometry& geometry = options_.geometry;
  if (length == 0 || address > kMaxAddress || length > kMaxAddress + 1 - address ||
      geometry.segment_of(address) != geometry.segment_of(address + length - 1)) {
    return Status::InvalidArgument("read of " + std::to_string(length) + " bytes at address " +
                                   std::to_string(address) + " is empty or crosses a segment");
  }
  auto segment = GetSegment(geometry.segment_of(address), OpenMode::kExisting);
  if (!segment.ok()) return segment.status();
  Segment& seg = **segment;

  Operation& op = *AcquireOperation();
  op.kind = Operation::Kind::kReadBytes;
  op.segment = &seg;
  op.address = address;
  op.file_offset = geometry.offset_in_segment(address);
  op.length = length;
  op.dest = dest;
  op.callback = std::move(callback);
  op.request.opcode = IoOpcode::kRead;
  op.request.fd = seg.file.fd();
  if (!seg.file.direct()) {
    op.request.offset = op.file_offset;
    op.request.buffer = dest;
    op.request.length = length;
  } else {
    const uint64_t alignment = seg.file.offset_alignment();
    uint64_t start = RoundDown(op.file_offset, alignment);
    uint64_t span = RoundUp(op.file_offset + length, alignment) - start;
    op.skip = op.file_offset - start;
    // A pool buffer is registered with io_uring (a fixed-buffer read); it is taken only
    // when the range fits, and memory of our own is the fallback.
    std::byte* buffer = nullptr;
    if (span <= engine_.buffers().buffer_size()) op.pooled = engine_.buffers().Acquire();
    if (op.pooled) {
      buffer = op.pooled.data();
    } else {
      op.scratch = AlignedBuffer(span, IoBufferPool::kAlignment);
      buffer = op.scratch.data();
    }
    op.request.offset = start;
    op.request.buffer = buffer;
    op.request.length = span;
  }
  Start(op);
  return Status::Ok();
}

Status SegmentStore::FinishReadBytes(const Operation& op, IoResult result) {
  std::string where = std::to_string(op.length) + " bytes at address " +
                      std::to_string(op.address) + " (" + Where(op) + ")";
  if (!result.ok()) return result.ToStatus("read " + where);
  size_t needed = op.skip + op.length;
  if (result.bytes() < needed) {
    if (result.bytes() <= op.skip) return Status::NotFound(where + ": past the end of the file");
    return Status::Corruption(where + ": file ends inside the range");
  }
  if (op.request.buffer != op.dest) {
    std::memcpy(op.dest, static_cast<const std::byte*>(op.request.buffer) + op.skip, op.length);
  }
  return Status::Ok();
}

Status SegmentStore::Sync(Callback callback) {
  auto batch = std::make_shared<SyncBatch>();
  batch->callback = std::move(callback);
  std::vector<Segment*> dirty;
  for (auto& [number, segment] : segments_) {
    if (segment.dirty) dirty.push_back(&segment);
  }
  const bool sync_directory = directory_dirty_ || dirty.empty();
  batch->remaining = dirty.size() + (sync_directory ? 1 : 0);
  // Cleared now: writes completing from here on are not covered and mark it again.
  directory_dirty_ = false;
  auto start = [&](Segment* segment) {
    Operation& op = *AcquireOperation();
    op.kind = Operation::Kind::kSync;
    op.segment = segment;
    op.batch = batch;
    op.request.opcode = segment != nullptr ? IoOpcode::kFdatasync : IoOpcode::kFsync;
    op.request.fd = segment != nullptr ? segment->file.fd() : directory_fd_;
    op.request.offset = 0;
    op.request.buffer = nullptr;
    op.request.length = 0;
    Start(op);
  };
  for (Segment* segment : dirty) {
    segment->dirty = false;
    start(segment);
  }
  if (sync_directory) start(nullptr);
  return Status::Ok();
}

Status SegmentStore::DeleteSegmentsBelow(LogAddress address) {
  const uint64_t bound = options_.geometry.segment_of(std::min(address, kMaxAddress + 1));
  for (auto it = segments_.begin(); it != segments_.end() && it->first < bound; ++it) {
    if (it->second.in_flight > 0) {
      return Status::Busy("segment file " + it->second.file.path() + " has " +
                          std::to_string(it->second.in_flight) + " operations in flight");
    }
  }
  while (!segments_.empty() && segments_.begin()->first < bound) {
    CloseSegment(segments_.begin()->second);
    segments_.erase(segments_.begin());
  }
  while (!segment_files_.empty() && *segment_files_.begin() < bound) {
    std::string path = SegmentPath(*segment_files_.begin());
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Status::FromErrno(errno, "delete segment file " + path);
    }
    segment_files_.erase(segment_files_.begin());
    directory_dirty_ = true;
  }
  return Status::Ok();
}

Status SegmentStore::TruncateFrom(uint64_t page_number) {
  const LogGeometry& geometry = options_.geometry;
  const uint64_t segment = page_number / geometry.pages_per_segment();
  const uint64_t offset = geometry.page_start(page_number) - geometry.segment_start(segment);
  bool unlinked = false;
  for (auto it = segment_files_.begin(); it != segment_files_.end();) {
    const uint64_t number = *it;
    if (number < segment) {
      ++it;
      continue;
    }
    if (auto found = segments_.find(number); found != segments_.end()) {
      CloseSegment(found->second);
      segments_.erase(found);
    }
    const std::string path = SegmentPath(number);
    if (number > segment) {
      if (unlink(path.c_str()) != 0 && errno != ENOENT) {
        return Status::FromErrno(errno, "delete segment file " + path);
      }
      unlinked = true;
      it = segment_files_.erase(it);
      continue;
    }
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "open " + path + " to truncate it");
    struct stat info {};
    Status status;
    if (fstat(fd, &info) != 0) {
      status = Status::FromErrno(errno, "stat " + path);
    } else if (static_cast<uint64_t>(info.st_size) > offset) {
      if (ftruncate(fd, static_cast<off_t>(offset)) != 0 || fsync(fd) != 0) {
        status = Status::FromErrno(errno, "truncate " + path + " at " + std::to_string(offset));
      }
    }
    close(fd);
    if (!status.ok()) return status;
    ++it;
  }
  if (unlinked && fsync(directory_fd_) != 0) {
    return Status::FromErrno(errno, "sync log directory " + options_.directory);
  }
  return Status::Ok();
}

}  // namespace ferrite
