#include "storage/hash_index.h"

#include <algorithm>
#include <bit>

namespace ferrite {

HashIndex::HashIndex(uint64_t initial_buckets) {
  buckets_.resize(std::bit_ceil(std::max<uint64_t>(initial_buckets, 2)));
}

IndexEntry* HashIndex::FindEntry(HashBucket& bucket, uint16_t tag) {
  for (HashBucket* b = &bucket; b != nullptr; b = Next(*b)) {
    for (IndexEntry& entry : b->entries) {
      if (!entry.empty() && entry.tag() == tag) return &entry;
    }
  }
  return nullptr;
}

uint64_t HashIndex::Find(uint64_t hash) const {
  uint16_t tag = IndexEntry::TagOf(hash);
  for (const HashBucket* b = &BucketFor(hash); b != nullptr; b = Next(*b)) {
    for (const IndexEntry& entry : b->entries) {
      if (!entry.empty() && entry.tag() == tag) return entry.address();
    }
  }
  return 0;
}

IndexEntry* HashIndex::FreeSlot(uint64_t bucket_index) {
  HashBucket* last = &buckets_[bucket_index];
  for (HashBucket* b = last; b != nullptr; b = Next(*b)) {
    for (IndexEntry& entry : b->entries) {
      if (entry.empty()) return &entry;
    }
    last = b;
  }
  // Every slot is used: chain a new overflow bucket. `last` may live in overflow_, which
  // the push_back can move, so it is found again by position.
  bool last_is_main = last == &buckets_[bucket_index];
  size_t last_overflow = last_is_main ? 0 : static_cast<size_t>(last - overflow_.data());
  overflow_.emplace_back();
  HashBucket& tail = last_is_main ? buckets_[bucket_index] : overflow_[last_overflow];
  tail.overflow = overflow_.size();
  return &overflow_.back().entries[0];
}

HashIndex::EntryRef HashIndex::FindOrCreate(uint64_t hash) {
  if (static_cast<double>(owned_count() + 1) >
      kMaxLoad * static_cast<double>(buckets_.size() * HashBucket::kEntries)) {
    Grow();
  }
  uint16_t tag = IndexEntry::TagOf(hash);
  uint64_t bucket_index = hash & (buckets_.size() - 1);
  if (IndexEntry* entry = FindEntry(buckets_[bucket_index], tag)) return EntryRef(entry, tag);
  return EntryRef(FreeSlot(bucket_index), tag);
}

void HashIndex::Set(EntryRef ref, uint64_t address) {
  // REQUIRES: address != 0 (an entry with address 0 is a free slot).
  IndexEntry& entry = *ref.entry_;
  if (entry.empty()) ++entries_;
  if (entry.shared()) --shared_;
  entry = IndexEntry(address, ref.tag_, /*shared=*/false);
}

bool HashIndex::RemoveIf(uint64_t hash, uint64_t address) {
  IndexEntry* entry = FindEntry(BucketFor(hash), IndexEntry::TagOf(hash));
  if (entry == nullptr || entry->address() != address) return false;
  --entries_;
  if (entry->shared()) --shared_;
  *entry = IndexEntry();
  return true;
}

void HashIndex::Place(std::vector<HashBucket>& table, std::vector<HashBucket>& overflow,
                      uint64_t bucket_index, IndexEntry entry) {
  HashBucket* bucket = &table[bucket_index];
  for (;;) {
    for (IndexEntry& slot : bucket->entries) {
      if (slot.empty()) {
        slot = entry;
        ++entries_;
        if (entry.shared()) ++shared_;
        return;
      }
    }
    if (bucket->overflow == 0) {
      bool in_table = bucket == &table[bucket_index];
      size_t position = in_table ? 0 : static_cast<size_t>(bucket - overflow.data());
      overflow.emplace_back();
      bucket = in_table ? &table[bucket_index] : &overflow[position];
      bucket->overflow = overflow.size();
    }
    bucket = &overflow[bucket->overflow - 1];
  }
}

void HashIndex::SplitEntry(IndexEntry entry, uint64_t old_bucket, uint64_t old_size,
                           std::vector<HashBucket>& table, std::vector<HashBucket>& overflow) {
  // The first record of each half along the chain becomes that half's head. Records of
  // a twin bucket (left in this chain by an earlier growth) belong to neither half.
  uint64_t head[2] = {0, 0};
  bool shared[2] = {false, false};
  const int old_bits = std::countr_zero(old_size);
  uint64_t cursor = entry.address();
  while (cursor != 0 && (head[0] == 0 || head[1] == 0)) {
    std::optional<ChainLink> link =
        chain_reader_ ? chain_reader_(cursor) : std::optional<ChainLink>();
    if (!link) {
      // The rest of the chain is on disk: it may hold keys of either half.
      for (int half = 0; half < 2; ++half) {
        if (head[half] == 0) {
          head[half] = cursor;
          shared[half] = true;
        }
      }
      break;
    }
    if ((link->hash & (old_size - 1)) == old_bucket) {
      int half = static_cast<int>((link->hash >> old_bits) & 1);
      if (head[half] == 0) head[half] = cursor;
    }
    cursor = link->previous;
  }
  for (int half = 0; half < 2; ++half) {
    if (head[half] != 0) {
      Place(table, overflow, old_bucket + half * old_size,
            IndexEntry(head[half], entry.tag(), shared[half]));
    }
  }
}

void HashIndex::Grow() {
  const uint64_t old_size = buckets_.size();
  std::vector<HashBucket> table(old_size * 2);
  std::vector<HashBucket> overflow;
  entries_ = 0;
  shared_ = 0;
  for (uint64_t b = 0; b < old_size; ++b) {
    for (const HashBucket* bucket = &buckets_[b]; bucket != nullptr; bucket = Next(*bucket)) {
      for (const IndexEntry& entry : bucket->entries) {
        if (!entry.empty()) SplitEntry(entry, b, old_size, table, overflow);
      }
    }
  }
  buckets_ = std::move(table);
  overflow_ = std::move(overflow);
}

size_t HashIndex::DropBelow(uint64_t begin) {
  size_t dropped = 0;
  auto drop_in = [&](HashBucket& bucket) {
    for (IndexEntry& entry : bucket.entries) {
      if (!entry.empty() && entry.address() < begin) {
        if (entry.shared()) --shared_;
        --entries_;
        entry = IndexEntry();
        ++dropped;
      }
    }
  };
  for (HashBucket& bucket : buckets_) drop_in(bucket);
  for (HashBucket& bucket : overflow_) drop_in(bucket);
  return dropped;
}

void HashIndex::GrowTo(uint64_t buckets) {
  while (buckets_.size() < buckets) Grow();
}

Result<HashIndex> HashIndex::FromTables(std::vector<HashBucket> table,
                                        std::vector<HashBucket> overflow) {
  if (table.size() < 2 || !std::has_single_bit(table.size())) {
    return Status::Corruption("index table of " + std::to_string(table.size()) +
                              " buckets is not a power of two of at least 2");
  }
  // Links form chains from main buckets into the pool. Each pool bucket is linked at
  // most once, and a pool bucket only links further into the pool, so no chain loops.
  std::vector<bool> linked(overflow.size(), false);
  auto check_link = [&](const HashBucket& bucket, std::optional<size_t> self) -> Status {
    if (bucket.overflow == 0) return Status::Ok();
    if (bucket.overflow > overflow.size()) {
      return Status::Corruption("index overflow link " + std::to_string(bucket.overflow) +
                                " past the pool of " + std::to_string(overflow.size()));
    }
    const size_t target = bucket.overflow - 1;
    if (linked[target] || (self.has_value() && target <= *self)) {
      return Status::Corruption("index overflow bucket " + std::to_string(target) +
                                " linked twice or backwards");
    }
    linked[target] = true;
    return Status::Ok();
  };
  HashIndex index(2);
  for (const HashBucket& bucket : table) {
    if (Status status = check_link(bucket, std::nullopt); !status.ok()) return status;
  }
  for (size_t i = 0; i < overflow.size(); ++i) {
    if (Status status = check_link(overflow[i], i); !status.ok()) return status;
  }
  auto count = [&index](const HashBucket& bucket) {
    for (const IndexEntry& entry : bucket.entries) {
      if (entry.empty()) continue;
      ++index.entries_;
      if (entry.shared()) ++index.shared_;
    }
  };
  for (const HashBucket& bucket : table) count(bucket);
  for (const HashBucket& bucket : overflow) count(bucket);
  index.buckets_ = std::move(table);
  index.overflow_ = std::move(overflow);
  return index;
}

void HashIndex::ForEach(const std::function<void(uint64_t, IndexEntry)>& fn) const {
  for (uint64_t b = 0; b < buckets_.size(); ++b) {
    for (const HashBucket* bucket = &buckets_[b]; bucket != nullptr; bucket = Next(*bucket)) {
      for (const IndexEntry& entry : bucket->entries) {
        if (!entry.empty()) fn(b, entry);
      }
    }
  }
}

}  // namespace ferrite
