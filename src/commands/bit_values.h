// The value operations behind Redis's bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS,
// BITOP, BITFIELD, BITFIELD_RO), as pure functions of stored values. Bits are numbered
// from the most significant bit of the first byte; bytes past the end of a value read
// as zero. Errors are Statuses whose message is Redis's whole reply.
//
// `current` is the key's value, nullopt when the key does not exist; type checks
// (WRONGTYPE) are the caller's. Each function says where it stands in Redis's order
// of errors: arguments parsed before the key is looked up have their own Parse*
// function, those Redis reads after the lookup are parsed by the operation itself.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ferrite/status.h"

namespace ferrite {

inline constexpr std::string_view kErrBitOffset =
    "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kErrBitPosBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kErrBitOpNot =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kErrBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view kErrBitfieldOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kErrBitfieldReadOnly =
    "ERR BITFIELD_RO only supports the GET subcommand";

// Bit offsets address a string of at most kMaxStringSize bytes: below 2^32.
inline constexpr uint64_t kMaxBitOffset = uint64_t{512} * 1024 * 1024 * 8 - 1;

// --- SETBIT, GETBIT ---

// A bit offset argument of SETBIT and GETBIT, parsed before the key is looked up.
Result<uint64_t> ParseBitOffset(std::string_view arg);
// SETBIT's bit value, 0 or 1, parsed after the offset and before the lookup.
Result<bool> ParseBitValue(std::string_view arg);

bool GetBit(std::optional<std::string_view> current, uint64_t offset);

struct SetBitResult {
  // What to store; nullopt when nothing changes (the key exists, is long enough, and
  // the bit already has the value). A missing key is always created.
  std::optional<std::string> value;
  bool old_bit = false;  // the reply
};
SetBitResult SetBit(std::optional<std::string_view> current, uint64_t offset, bool bit);

// --- BITCOUNT, BITPOS ---

// BITCOUNT key [start end [BYTE|BIT]]: `range_args` are the arguments after the key.
// In Redis 7.0 the key is looked up first: a missing key counts 0 whatever the
// arguments are, even malformed ones.
Result<int64_t> BitCount(std::optional<std::string_view> current,
                         std::span<const std::string_view> range_args);

// BITPOS's bit argument, parsed before the key is looked up.
Result<bool> ParseBitPosBit(std::string_view arg);
// BITPOS key bit [start [end [BYTE|BIT]]]: `range_args` are the arguments after the
// bit. A missing key answers 0 (looking for a clear bit) or -1 before the range is
// parsed. Not found is -1, except for a clear bit searched without an explicit end:
// the value then counts as followed by zeros, and the answer is the first bit past
// the range.
Result<int64_t> BitPos(std::optional<std::string_view> current, bool bit,
                       std::span<const std::string_view> range_args);

// --- BITOP ---

enum class BitOpKind : uint8_t { kAnd, kOr, kXor, kNot };
// The operation name (case-insensitive, up to a NUL as Redis reads it) and the number
// of source keys; both are checked before any key is looked up.
Result<BitOpKind> ParseBitOp(std::string_view name, size_t source_count);
// The destination's new value, as long as the longest source; shorter sources (and
// missing keys, passed as empty views) count as zero-padded. An empty result means the
// destination key is deleted; its length is the reply either way.
std::string BitOp(BitOpKind kind, std::span<const std::string_view> sources);

// --- BITFIELD, BITFIELD_RO ---

enum class BitfieldOverflow : uint8_t { kWrap, kSat, kFail };

struct BitfieldOp {
  enum class Kind : uint8_t { kGet, kSet, kIncrBy };
  Kind kind = Kind::kGet;
  bool is_signed = false;
  uint8_t bits = 0;  // 1..64 signed, 1..63 unsigned
  BitfieldOverflow overflow = BitfieldOverflow::kWrap;
  uint64_t offset = 0;  // in bits, `#N` already multiplied by the width
  int64_t value = 0;    // SET's value or INCRBY's increment
};

struct BitfieldPlan {
  std::vector<BitfieldOp> ops;
  bool writes = false;             // some op is a SET or an INCRBY
  uint64_t highest_write_bit = 0;  // meaningful when `writes`
};

// Parses the subcommands after the key (GET, SET, INCRBY, OVERFLOW), all before the
// key is looked up; the first malformed one is the error. `read_only` is BITFIELD_RO,
// which refuses writes only after the whole list parsed.
Result<BitfieldPlan> ParseBitfield(std::span<const std::string_view> args, bool read_only);

struct BitfieldResult {
  // One reply per op: nullopt for a write refused by OVERFLOW FAIL.
  std::vector<std::optional<int64_t>> replies;
  // What to store when the plan writes: the value grown with zero bytes up to the
  // highest bit written, even when every write was refused (Redis creates and grows
  // the key before it runs the ops). nullopt for a plan that only reads.
  std::optional<std::string> value;
};
BitfieldResult ApplyBitfield(const BitfieldPlan& plan, std::optional<std::string_view> current);

}  // namespace ferrite
