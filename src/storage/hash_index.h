// A shard's hash index (ADR 0008): key hash -> address of the newest record of the chain
// that holds the key. Buckets are one cache line: seven entries and a link to an
// overflow bucket. An entry is found by its tag, the hash's top 15 bits, without touching
// the log; records of other keys with the same bucket and tag may share its chain, so
// callers always compare full keys while walking a chain.
//
// Shard thread only: no latches (ADR 0008 decision 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "ferrite/status.h"
#include "storage/log_address.h"

namespace ferrite {

// One index word: address (48 bits) | tag (15 bits) << 48 | shared << 63.
class IndexEntry {
 public:
  static constexpr int kTagBits = 15;
  static constexpr uint64_t kAddressMask = (uint64_t{1} << kLogAddressBits) - 1;
  static constexpr uint64_t kTagMask = ((uint64_t{1} << kTagBits) - 1) << kLogAddressBits;
  static_assert(kLogAddressBits + kTagBits + 1 == 64, "address, tag and shared bit fill a word");
  static constexpr uint64_t kSharedBit = uint64_t{1} << 63;

  static constexpr uint16_t TagOf(uint64_t hash) { return static_cast<uint16_t>(hash >> 49); }

  constexpr IndexEntry() = default;
  constexpr explicit IndexEntry(uint64_t word) : word_(word) {}
  constexpr IndexEntry(uint64_t address, uint16_t tag, bool shared)
      : word_((address & kAddressMask) | (uint64_t{tag} << 48) | (shared ? kSharedBit : 0)) {}

  constexpr bool empty() const { return word_ == 0; }
  constexpr uint64_t address() const { return word_ & kAddressMask; }
  constexpr uint16_t tag() const { return static_cast<uint16_t>((word_ & kTagMask) >> 48); }
  // True when the chain may start with records of keys that belong to the twin bucket
  // (a copy made by growth); such entries do not count towards growth.
  constexpr bool shared() const { return (word_ & kSharedBit) != 0; }
  constexpr uint64_t word() const { return word_; }

 private:
  uint64_t word_ = 0;
};
static_assert(sizeof(IndexEntry) == 8);
static_assert(IndexEntry(IndexEntry::kAddressMask, 0x7FFF, true).address() ==
              IndexEntry::kAddressMask);
static_assert(IndexEntry(5, 0x7FFF, false).tag() == 0x7FFF);

struct alignas(64) HashBucket {
  static constexpr int kEntries = 7;
  IndexEntry entries[kEntries];
  // 1 + the index of the next bucket in the overflow pool; 0 when there is none.
  uint64_t overflow = 0;
};
static_assert(sizeof(HashBucket) == 64, "a bucket is one cache line");

class HashIndex {
 public:
  // What growth may learn about a record still in memory, to split a chain exactly:
  // its key's hash and the previous address in its chain. nullopt for records only on
  // disk (growth then shares the entry between both halves).
  struct ChainLink {
    uint64_t hash;
    uint64_t previous;
  };
  using ChainReader = std::function<std::optional<ChainLink>(uint64_t address)>;

  // `initial_buckets` is rounded up to a power of two (at least 2).
  explicit HashIndex(uint64_t initial_buckets = 1024);

  // The chain head for `hash`, or 0 when no chain has its bucket and tag.
  uint64_t Find(uint64_t hash) const;

  // A handle on the entry for `hash`, created empty (address 0) when missing. Valid
  // until the next call that changes the index (Upsert, Remove, Grow, DropBelow).
  class EntryRef {
   public:
    uint64_t address() const { return entry_->address(); }
    bool shared() const { return entry_->shared(); }

   private:
    friend class HashIndex;
    EntryRef(IndexEntry* entry, uint16_t tag) : entry_(entry), tag_(tag) {}
    IndexEntry* entry_;
    uint16_t tag_;
  };
  EntryRef FindOrCreate(uint64_t hash);
  // Points the entry at `address` (the newest record of its chain); it stops being
  // shared, since that record belongs to this bucket.
  void Set(EntryRef ref, uint64_t address);
  // Removes the entry for `hash` when it still points at `address` (a chain that became
  // empty). Returns whether it did.
  bool RemoveIf(uint64_t hash, uint64_t address);

  // Doubles the table; every entry goes to its own half, or to both, shared, when
  // `reader` can't tell (see ADR 0008 decision 6). Called by FindOrCreate() when the
  // load passes kMaxLoad, with the reader given to set_chain_reader().
  void Grow();
  void set_chain_reader(ChainReader reader) { chain_reader_ = std::move(reader); }

  // Drops every entry whose chain head lies below `begin` (its records were compacted
  // away or copied forward). Returns how many were dropped.
  size_t DropBelow(uint64_t begin);

  // Grows (Grow(), with the chain reader) until the table has at least `buckets`.
  void GrowTo(uint64_t buckets);

  // The raw tables, for snapshots (index_snapshot.h).
  std::span<const HashBucket> table() const { return buckets_; }
  std::span<const HashBucket> overflow_pool() const { return overflow_; }
  // An index over tables a snapshot held. Corruption when they can't be one: a table
  // size that is not a power of two of at least 2, or an overflow link out of range,
  // used twice or pointing backwards (which could loop).
  static Result<HashIndex> FromTables(std::vector<HashBucket> table,
                                      std::vector<HashBucket> overflow);

  // Calls fn(hash_bucket_index, entry) for every entry; for snapshots and tests.
  void ForEach(const std::function<void(uint64_t, IndexEntry)>& fn) const;

  uint64_t bucket_count() const { return buckets_.size(); }
  size_t entry_count() const { return entries_; }
  size_t shared_count() const { return shared_; }
  // Entries known to belong to their bucket: what drives growth. Shared copies do not
  // count, since a growth doubles them without adding a single key; counting them would
  // make each growth call for the next.
  size_t owned_count() const { return entries_ - shared_; }
  size_t overflow_buckets() const { return overflow_.size(); }
  // Bytes of the table and the overflow pool (counted in the memory budget).
  size_t memory_bytes() const {
    return (buckets_.capacity() + overflow_.capacity()) * sizeof(HashBucket);
  }

  // Growth starts when owned entries pass this share of the main table's slots.
  static constexpr double kMaxLoad = 0.75;

 private:
  HashBucket& BucketFor(uint64_t hash) { return buckets_[hash & (buckets_.size() - 1)]; }
  const HashBucket& BucketFor(uint64_t hash) const {
    return buckets_[hash & (buckets_.size() - 1)];
  }
  HashBucket* Next(const HashBucket& bucket) {
    return bucket.overflow == 0 ? nullptr : &overflow_[bucket.overflow - 1];
  }
  const HashBucket* Next(const HashBucket& bucket) const {
    return bucket.overflow == 0 ? nullptr : &overflow_[bucket.overflow - 1];
  }
  IndexEntry* FindEntry(HashBucket& bucket, uint16_t tag);
  // A free slot in the bucket's chain, adding an overflow bucket when all are used.
  IndexEntry* FreeSlot(uint64_t bucket_index);
  void Place(std::vector<HashBucket>& table, std::vector<HashBucket>& overflow,
             uint64_t bucket_index, IndexEntry entry);
  void SplitEntry(IndexEntry entry, uint64_t old_bucket, uint64_t old_size,
                  std::vector<HashBucket>& table, std::vector<HashBucket>& overflow);

  std::vector<HashBucket> buckets_;
  std::vector<HashBucket> overflow_;
  size_t entries_ = 0;
  size_t shared_ = 0;
  ChainReader chain_reader_;
};

}  // namespace ferrite
