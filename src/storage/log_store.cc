#include "storage/log_store.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <utility>

#include "storage/key_hash.h"
#include "storage/log_page.h"
#include "storage/record.h"

namespace ferrite {
namespace {

// The first read of a record below the head: enough for a record with a short key and a
// value of a few hundred bytes in one I/O. Longer records take a second read of their
// exact size, which the prefix's lengths word gives.
constexpr uint32_t kDiskReadPrefix = 512;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string AddressText(LogAddress address) {
  return "record at address " + std::to_string(address);
}

}  // namespace

struct LogStore::Operation {
  Kind kind = Kind::kRead;
  std::string key;
  uint64_t hash = 0;
  std::string value;              // Upsert: the value; RMW: update's result
  std::optional<int64_t> expiry;  // of the record to write
  bool replace_expiry = false;    // RMW: write `expiry`, not the record's
  UpdateFunction update;
  ReadCallback read_callback;
  EntryCallback entry_callback;  // kRead from ReadEntry (instead of read_callback)
  StatusCallback status_callback;
  // The chain head when the current walk began: a write after a walk applies only when
  // the head is still this, else the walk is redone.
  LogAddress start = kInvalidAddress;
  LogAddress next = kInvalidAddress;    // the record the walk looks at next
  LogAddress source = kInvalidAddress;  // kCopy: the record to copy
  // The log's begin when the walk began. Compaction copies a segment's live records
  // to the tail before it moves begin past them, so a walk that started before such a
  // move and meets the moved-past part may have missed a copy: it starts again.
  LogAddress begin_at_start = kInvalidAddress;
  bool pending = false;                 // this walk went below the head
  std::unique_ptr<std::byte[]> buffer;  // a disk read's destination
};

LogStore::LogStore(IoEngine& engine, LogStoreOptions options, std::unique_ptr<HybridLog> log)
    : engine_(engine),
      log_(std::move(log)),
      index_(options.index_buckets),
      clock_(options.clock ? std::move(options.clock) : std::function<int64_t()>(SystemNowMs)),
      memory_budget_(options.memory_budget),
      checkpoint_writer_(engine, log_->options().directory),
      compaction_trigger_(options.compaction_trigger) {
  index_.set_chain_reader([this](uint64_t address) { return ReadChainLink(address); });
  NoteIndexSize();
}

LogStore::~LogStore() {
  // Completions of a checkpoint or of a compaction's page read call back into this
  // object; a compaction stops at its next page.
  compaction_stopped_ = true;
  while ((checkpoint_.active || compaction_.reading) && engine_.in_flight() > 0) engine_.Wait(1);
  while (outstanding_ > 0) {
    // Nothing in flight and nothing queued would leave an operation without a way to
    // complete: a bug, but never a hang.
    if (engine_.in_flight() == 0 && waiting_.empty() && copies_waiting_.empty()) break;
    Wait();
  }
}

// ---- Index and log helpers

void LogStore::NoteIndexSize() {
  log_->set_index_bucket_bits(static_cast<uint32_t>(std::countr_zero(index_.bucket_count())));
  if (memory_budget_ != 0 && index_.memory_bytes() != index_bytes_applied_) ApplyMemoryBudget();
}

void LogStore::ApplyMemoryBudget() {
  index_bytes_applied_ = index_.memory_bytes();
  const uint64_t page_size = log_->geometry().page_size();
  const uint64_t left =
      memory_budget_ > index_bytes_applied_ ? memory_budget_ - index_bytes_applied_ : 0;
  const uint64_t pages = std::clamp<uint64_t>(left / page_size, 4, UINT32_MAX);
  if (pages == log_->memory_pages_limit()) return;
  // Cannot fail: the count is at least 4.
  (void)log_->SetMemoryPages(static_cast<uint32_t>(pages));
}

Status LogStore::SetMemoryBudget(uint64_t bytes) {
  if (bytes == 0) return Status::InvalidArgument("a memory budget of 0 bytes");
  memory_budget_ = bytes;
  ApplyMemoryBudget();
  return Status::Ok();
}

std::span<const std::byte> LogStore::InMemoryBytes(LogAddress address) {
  const LogGeometry& geometry = log_->geometry();
  LogAddress page_end = geometry.page_start(geometry.page_of(address)) + geometry.page_size();
  LogAddress end = std::min(page_end, log_->tail());
  return {log_->Get(address), static_cast<size_t>(end - address)};
}

std::optional<HashIndex::ChainLink> LogStore::ReadChainLink(uint64_t address) {
  if (!log_->InMemory(address)) return std::nullopt;
  auto record = RecordView::Parse(InMemoryBytes(address));
  if (!record.ok()) return std::nullopt;
  return HashIndex::ChainLink{HashKey(record->key()), record->previous_address()};
}

// ---- Operations

void LogStore::Read(std::string_view key, ReadCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kRead;
  op->key = key;
  op->read_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::ReadEntry(std::string_view key, EntryCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kRead;
  op->key = key;
  op->entry_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::Upsert(std::string_view key, std::string_view value,
                      std::optional<int64_t> expiry_ms, StatusCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kUpsert;
  op->key = key;
  op->value = value;
  op->expiry = expiry_ms;
  op->status_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::Delete(std::string_view key, StatusCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kDelete;
  op->key = key;
  op->status_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::ReadModifyWrite(std::string_view key, UpdateFunction update,
                               StatusCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kRmw;
  op->key = key;
  op->update = std::move(update);
  op->status_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::ReadModifyWrite(std::string_view key, UpdateFunction update,
                               std::optional<int64_t> expiry_ms, StatusCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kRmw;
  op->key = key;
  op->update = std::move(update);
  op->expiry = expiry_ms;
  op->replace_expiry = true;
  op->status_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::StartCopy(const RecordView& record, LogAddress source, StatusCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kCopy;
  op->key = record.key();
  op->value = record.value();
  op->expiry = record.expiry();
  op->source = source;
  op->status_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::StartProbe(std::string_view key, LogAddress source, StatusCallback callback) {
  auto op = std::make_shared<Operation>();
  op->kind = Kind::kProbe;
  op->key = key;
  op->source = source;
  op->status_callback = std::move(callback);
  Start(std::move(op));
}

void LogStore::Start(OperationPtr op) {
  op->hash = HashKey(op->key);
  ++outstanding_;
  if (op->kind == Kind::kUpsert) {
    Write(op, /*from_queue=*/false);
  } else {
    StartLookup(op);
  }
}

void LogStore::Poll() {
  // The engine's Poll() submits what was prepared before it and by its callbacks.
  engine_.Poll();
  RetryWaiting();
  MaybeCompact();
  // What the retried writes and compaction prepared, so that nothing waits for a
  // submission while the owner sleeps on the completion fd.
  engine_.Submit();
}

void LogStore::Wait() {
  if (engine_.in_flight() > 0) engine_.Wait(1);
  RetryWaiting();
  MaybeCompact();
  engine_.Submit();
}

// ---- Chain walks

void LogStore::StartLookup(const OperationPtr& op) {
  ++stats_.lookups;
  op->start = index_.Find(op->hash);
  op->next = op->start;
  op->pending = false;
  op->begin_at_start = live_begin();
  Walk(op);
}

bool LogStore::RestartIfCompactedPast(const OperationPtr& op, LogAddress address) {
  if (address >= live_begin() || live_begin() == op->begin_at_start) return false;
  ++stats_.lookup_restarts;
  StartLookup(op);
  return true;
}

void LogStore::Walk(const OperationPtr& op) {
  for (;;) {
    const LogAddress address = op->next;
    if (address == kInvalidAddress || address < live_begin()) {
      if (address != kInvalidAddress && RestartIfCompactedPast(op, address)) return;
      LookupDone(op, nullptr, false);
      return;
    }
    if (address >= log_->tail()) {
      Finish(op, Status::Corruption(AddressText(address) + " lies past the tail " +
                                    std::to_string(log_->tail())));
      return;
    }
    // Checked at every step, resumed walks included: a frame is only read while its
    // page is still in memory.
    if (!log_->InMemory(address)) {
      const LogGeometry& geometry = log_->geometry();
      LogAddress page_end = geometry.page_start(geometry.page_of(address)) + geometry.page_size();
      auto length = static_cast<uint32_t>(std::min<uint64_t>(kDiskReadPrefix, page_end - address));
      IssueDiskRead(op, address, length);
      return;
    }
    auto record = RecordView::Parse(InMemoryBytes(address));
    if (!record.ok()) {
      Finish(op, Status::Corruption(AddressText(address) + ": " +
                                    std::string(record.status().message())));
      return;
    }
    if (!record->invalid() && record->key() == op->key) {
      LookupDone(op, &*record, false);
      return;
    }
    // Chains point strictly backwards; anything else would loop.
    if (record->previous_address() >= address) {
      Finish(op, Status::Corruption(AddressText(address) + " links forward"));
      return;
    }
    op->next = record->previous_address();
  }
}

void LogStore::IssueDiskRead(const OperationPtr& op, LogAddress address, uint32_t length) {
  if (!op->pending) {
    op->pending = true;
    ++stats_.pending_lookups;
  }
  ++stats_.disk_reads;
  op->buffer = std::make_unique<std::byte[]>(length);
  Status started = log_->ReadAsync(address, length, op->buffer.get(),
                                   [this, op, address, length](Status status) {
                                     OnDiskRead(op, address, length, std::move(status));
                                   });
  if (!started.ok()) Finish(op, std::move(started));
}

void LogStore::OnDiskRead(const OperationPtr& op, LogAddress address, uint32_t length,
                          Status status) {
  if (RestartIfCompactedPast(op, address)) return;
  if (!status.ok()) {
    Finish(op, std::move(status));
    return;
  }
  std::span<const std::byte> bytes(op->buffer.get(), length);
  auto extent = ParseRecordExtent(bytes);
  if (!extent.ok()) {
    Finish(op, Status::Corruption(AddressText(address) + ": " +
                                  std::string(extent.status().message())));
    return;
  }
  const RecordHeader header = extent->header;
  const uint64_t size = extent->size;
  LogAddress previous;
  if (size > length) {
    const LogGeometry& geometry = log_->geometry();
    LogAddress page_end = geometry.page_start(geometry.page_of(address)) + geometry.page_size();
    if (size > page_end - address) {
      Finish(op, Status::Corruption(AddressText(address) + " runs past its page"));
      return;
    }
    if (!header.invalid() && extent->key_length == op->key.size()) {
      // A candidate: read it whole.
      IssueDiskRead(op, address, static_cast<uint32_t>(size));
      return;
    }
    // Another key (its length differs): the prefix's header gives the next link.
    previous = header.previous_address();
  } else {
    auto record = RecordView::Parse(bytes);
    if (!record.ok()) {
      Finish(op, Status::Corruption(AddressText(address) + ": " +
                                    std::string(record.status().message())));
      return;
    }
    if (!record->invalid() && record->key() == op->key) {
      LookupDone(op, &*record, true);
      return;
    }
    previous = record->previous_address();
  }
  if (previous >= address) {
    Finish(op, Status::Corruption(AddressText(address) + " links forward"));
    return;
  }
  op->next = previous;
  Walk(op);
}

void LogStore::LookupDone(const OperationPtr& op, const RecordView* record, bool on_disk) {
  bool live = false;
  if (record != nullptr) {
    if (on_disk) {
      ++stats_.found_disk;
    } else if (log_->IsMutable(op->next)) {
      ++stats_.found_mutable;
    } else {
      ++stats_.found_read_only;
    }
    live = !record->tombstone();
    if (live && record->has_expiry() && *record->expiry() <= Now()) {
      live = false;
      ++stats_.expired;
    }
  }
  switch (op->kind) {
    case Kind::kRead:
      if (live && op->entry_callback) {
        --outstanding_;
        EntryCallback callback = std::move(op->entry_callback);
        callback(StoredEntry{std::string(record->value()), record->expiry()});
      } else if (live) {
        --outstanding_;
        ReadCallback callback = std::move(op->read_callback);
        callback(std::string(record->value()));
      } else {
        Finish(op, Status::NotFound("key not found"));
      }
      return;
    case Kind::kDelete:
      if (!live) {
        Finish(op, Status::NotFound("key not found"));
        return;
      }
      Write(op, /*from_queue=*/false);
      return;
    case Kind::kRmw: {
      std::optional<std::string> value =
          op->update(live ? std::optional<std::string_view>(record->value()) : std::nullopt);
      if (!value.has_value()) {
        Finish(op, Status::Ok());
        return;
      }
      op->value = *std::move(value);
      if (!op->replace_expiry) op->expiry = live ? record->expiry() : std::nullopt;
      Write(op, /*from_queue=*/false);
      return;
    }
    case Kind::kCopy:
    case Kind::kProbe:
      // Copied only while it is its key's newest record, alive: anything newer (a
      // value or a tombstone) or its expiry makes it dead.
      if (record != nullptr && live && op->next == op->source) {
        if (op->kind == Kind::kProbe) return Finish(op, Status::Ok());
        Write(op, /*from_queue=*/false);
      } else {
        Finish(op, Status::NotFound("superseded"));
      }
      return;
    case Kind::kUpsert:
      break;
  }
}

// ---- Writes

LogStore::WriteOutcome LogStore::Write(const OperationPtr& op, bool from_queue) {
  // Compaction's copies have their own queue and never stall: user writes may be
  // waiting for compaction to make room.
  const bool copy = op->kind == Kind::kCopy;
  std::deque<OperationPtr>& queue = copy ? copies_waiting_ : waiting_;
  if (!from_queue && !queue.empty()) {
    ++stats_.busy_waits;
    queue.push_back(op);
    return WriteOutcome::kBusy;
  }
  const LogAddress head = index_.Find(op->hash);
  if (op->kind != Kind::kUpsert && head != op->start) {
    // The chain changed since the walk began (a write while it was pending or queued):
    // what it read may be stale.
    ++stats_.lookup_restarts;
    StartLookup(op);
    return WriteOutcome::kRestarted;
  }
  const bool tombstone = op->kind == Kind::kDelete;
  const std::string_view value = tombstone ? std::string_view() : std::string_view(op->value);
  const std::optional<int64_t> expiry = tombstone ? std::nullopt : op->expiry;
  const uint64_t size = RecordSize(op->key.size(), value.size(), expiry.has_value());
  if (size > MaxRecordSizeInPage(log_->geometry().page_size())) {
    Finish(op, Status::InvalidArgument("record of " + std::to_string(size) +
                                       " bytes does not fit in a log page"));
    return WriteOutcome::kDone;
  }
  // In place: the newest record is mutable, has this key and the same padded size.
  // Mutable records are never being written to disk (a FlushAll snapshot is a copy),
  // and no pending read points at them, so rewriting them is invisible but to later
  // reads.
  if (!tombstone && head != kInvalidAddress && log_->IsMutable(head)) {
    auto record = RecordView::Parse(InMemoryBytes(head));
    if (record.ok() && !record->invalid() && record->key() == op->key && record->size() == size) {
      auto written =
          WriteRecord({log_->Get(head), size}, record->previous_address(), op->key, value, expiry);
      if (!written.ok()) {
        Finish(op, written.status());
        return WriteOutcome::kDone;
      }
      ++stats_.in_place_updates;
      Finish(op, Status::Ok());
      return WriteOutcome::kDone;
    }
  }
  if (!copy && CompactionBehind()) {
    if (!from_queue) {
      ++stats_.compaction_stalls;
      waiting_.push_back(op);
    }
    return WriteOutcome::kBusy;
  }
  auto address = log_->Allocate(static_cast<uint32_t>(size));
  if (!address.ok()) {
    if (address.status().code() == StatusCode::kBusy) {
      if (!from_queue) {
        ++stats_.busy_waits;
        queue.push_back(op);
      }
      return WriteOutcome::kBusy;
    }
    Finish(op, address.status());
    return WriteOutcome::kDone;
  }
  auto written = WriteRecord({log_->Get(*address), size}, head, op->key, value, expiry,
                             RecordFlags{.tombstone = tombstone});
  if (!written.ok()) {
    Finish(op, written.status());
    return WriteOutcome::kDone;
  }
  // The record is complete before the index can grow (FindOrCreate), since growth reads
  // in-memory records through the chain reader.
  index_.Set(index_.FindOrCreate(op->hash), *address);
  NoteIndexSize();
  ++stats_.appends;
  ++records_seen_;
  record_bytes_seen_ += size;
  if (tombstone) ++stats_.tombstones;
  Finish(op, Status::Ok());
  return WriteOutcome::kDone;
}

void LogStore::RetryWaiting() {
  // Callbacks run from here may start writes; they queue behind (or, once the queue is
  // empty, go straight through), and this loop picks them up.
  if (retrying_) return;
  retrying_ = true;
  // Copies first: the writes behind may be stalled until compaction makes room.
  for (std::deque<OperationPtr>* queue : {&copies_waiting_, &waiting_}) {
    while (!queue->empty()) {
      OperationPtr op = queue->front();
      queue->pop_front();
      if (Write(op, /*from_queue=*/true) == WriteOutcome::kBusy) {
        queue->push_front(std::move(op));
        break;
      }
    }
  }
  retrying_ = false;
}

void LogStore::Finish(const OperationPtr& op, Status status) {
  --outstanding_;
  if (op->kind == Kind::kRead && op->entry_callback) {
    EntryCallback callback = std::move(op->entry_callback);
    callback(std::move(status));
  } else if (op->kind == Kind::kRead) {
    ReadCallback callback = std::move(op->read_callback);
    callback(std::move(status));
  } else {
    StatusCallback callback = std::move(op->status_callback);
    callback(std::move(status));
  }
}

}  // namespace ferrite
