// LogStore::Scan: a resumable walk over the live records in address order. Records in
// memory are read from the page frames, pages below the head are read whole through the
// engine; each record that is not dead by itself (tombstone, invalid, expired) is probed
// with compaction's chain walk, and only records still newest for their key are returned.
#include <algorithm>
#include <utility>

#include "storage/log_page.h"
#include "storage/log_store.h"

namespace ferrite {

// One Scan() call. Shared by the probes and the page read it has in flight.
struct LogStore::ScanRun {
  LogAddress cursor = kInvalidAddress;  // the next address to examine
  size_t budget = 0;                    // records left to examine
  bool with_values = false;
  std::vector<ScanEntry> candidates;  // records alive by themselves, in address order
  std::vector<bool> newest;           // per candidate: its probe found it newest
  size_t probes_in_flight = 0;
  // Records are being examined (or a page read is in flight): the run cannot finish
  // even when its probes have.
  bool examining = true;
  bool finished = false;
  Status error;
  AlignedBuffer page;  // below the head: the page being read
  ScanCallback callback;
};

void LogStore::Scan(LogAddress from, size_t max_records, bool with_values, ScanCallback callback) {
  auto run = std::make_shared<ScanRun>();
  run->cursor = from;
  run->budget = std::max<size_t>(max_records, 1);
  run->with_values = with_values;
  run->callback = std::move(callback);
  ++outstanding_;
  ContinueScan(run);
}

void LogStore::ContinueScan(const ScanRunPtr& run) {
  const LogGeometry& geometry = log_->geometry();
  while (run->budget > 0 && run->error.ok()) {
    // Below the live begin, compaction copied what was alive to the tail (or Clear()
    // killed it): nothing there is to be returned.
    run->cursor = std::max(run->cursor, live_begin());
    if (run->cursor >= log_->tail()) break;
    const uint64_t page = geometry.page_of(run->cursor);
    const LogAddress page_start = geometry.page_start(page);
    if (page_start < log_->head()) {
      // Below the head (and so flushed, and at or above begin): read the page whole.
      if (run->page.data() == nullptr) run->page = AlignedBuffer(geometry.page_size());
      ++stats_.scan_pages_read;
      Status started =
          log_->store().ReadPage(page, run->page.data(), [this, run, page](Status status) {
            if (!status.ok()) {
              // Compaction may have moved begin past the page while it was read; the
              // page's live records are at the tail then.
              if (log_->geometry().page_start(page + 1) <= live_begin()) {
                run->cursor = live_begin();
              } else {
                run->error = std::move(status);
              }
            } else if (ScanRecords(run, run->page.span(), log_->geometry().page_start(page),
                                   /*verified_page=*/true)) {
              run->cursor = std::max(run->cursor, log_->geometry().page_start(page + 1));
            }
            ContinueScan(run);
          });
      if (!started.ok()) run->error = std::move(started);
      if (run->error.ok()) return;  // continues from the read's callback
      break;
    }
    // In memory. Probes never write, so no frame is evicted while its bytes are read.
    const LogAddress end = log_->RecordsEnd(page);
    std::span<const std::byte> bytes(log_->Get(page_start), static_cast<size_t>(end - page_start));
    if (!ScanRecords(run, bytes, page_start, /*verified_page=*/false)) break;
    // The tail page's records end at the tail, where the next appends go.
    run->cursor = page == geometry.page_of(log_->tail()) && end == log_->tail()
                      ? end
                      : std::max(run->cursor, geometry.page_start(page + 1));
  }
  run->examining = false;
  MaybeFinishScan(run);
}

bool LogStore::ScanRecords(const ScanRunPtr& run, std::span<const std::byte> page_bytes,
                           LogAddress page_start, bool verified_page) {
  if (verified_page) {
    PageRecordIterator it(page_bytes, page_start);
    for (; it.Valid(); it.Next()) {
      if (it.address() < run->cursor) continue;
      if (run->budget == 0) return false;
      ExamineRecord(run, it.record(), it.address());
      run->cursor = it.address() + it.record().size();
    }
    if (!it.status().ok()) {
      run->error = it.status();
      return false;
    }
    return true;
  }
  // In memory the records run from the first slot to `page_bytes`' end.
  uint64_t offset = kPageHeaderSize;
  while (offset < page_bytes.size()) {
    const LogAddress address = page_start + offset;
    auto record = RecordView::Parse(page_bytes.subspan(offset));
    if (!record.ok()) {
      run->error = Status::Corruption("record at address " + std::to_string(address) + ": " +
                                      std::string(record.status().message()));
      return false;
    }
    offset += record->size();
    if (address < run->cursor) continue;
    if (run->budget == 0) return false;
    ExamineRecord(run, *record, address);
    run->cursor = address + record->size();
  }
  return true;
}

void LogStore::ExamineRecord(const ScanRunPtr& run, const RecordView& record, LogAddress address) {
  --run->budget;
  if (record.invalid() || record.tombstone() ||
      (record.has_expiry() && *record.expiry() <= Now())) {
    return;
  }
  const size_t slot = run->candidates.size();
  run->candidates.push_back(
      ScanEntry{.address = address,
                .key = std::string(record.key()),
                .value = run->with_values ? std::string(record.value()) : std::string(),
                .expiry_ms = record.expiry()});
  run->newest.push_back(false);
  ++run->probes_in_flight;
  // Copied before the probe: a probe that completes inside the call leaves the record
  // as it was, and one that goes pending needs nothing from the page.
  StartProbe(record.key(), address, [this, run, slot](Status status) {
    if (status.ok()) {
      run->newest[slot] = true;
    } else if (status.code() != StatusCode::kNotFound && run->error.ok()) {
      run->error = std::move(status);
    }
    --run->probes_in_flight;
    MaybeFinishScan(run);
  });
}

void LogStore::MaybeFinishScan(const ScanRunPtr& run) {
  if (run->examining || run->probes_in_flight > 0 || run->finished) return;
  run->finished = true;
  --outstanding_;
  ScanCallback callback = std::move(run->callback);
  if (!run->error.ok()) {
    callback(std::move(run->error));
    return;
  }
  ScanBatch batch;
  batch.next = std::max(run->cursor, live_begin());
  // Judged now, not when the last record was read: a key the probes found overwritten
  // meanwhile has its newer record above the cursor, and the caller must go on to it.
  batch.reached_tail = batch.next >= log_->tail();
  for (size_t i = 0; i < run->candidates.size(); ++i) {
    if (run->newest[i]) batch.entries.push_back(std::move(run->candidates[i]));
  }
  callback(std::move(batch));
}

}  // namespace ferrite
