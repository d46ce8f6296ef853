#include "commands/bit_values.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "commands/error_replies.h"
#include "commands/string_values.h"
#include "util/ascii.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

static_assert(kMaxBitOffset == static_cast<uint64_t>(kMaxStringSize) * 8 - 1);

Status NotInteger() { return Status::InvalidArgument(std::string(kErrNotInteger)); }
Status SyntaxError() { return Status::InvalidArgument(std::string(kErrSyntax)); }

uint8_t ByteAt(std::string_view value, uint64_t index) {
  return index < value.size() ? static_cast<uint8_t>(value[index]) : 0;
}

// Redis's getBitOffsetFromArgument. With `width` (BITFIELD), "#N" means N * width; the
// product wraps as Redis's does, so a huge N can land on a small valid offset.
Result<uint64_t> ParseOffset(std::string_view arg, unsigned width) {
  bool positional = width > 0 && !arg.empty() && arg[0] == '#';
  auto parsed = ParseStrictInt64(positional ? arg.substr(1) : arg);
  if (!parsed) return Status::InvalidArgument(std::string(kErrBitOffset));
  int64_t offset = *parsed;
  if (positional) offset = static_cast<int64_t>(static_cast<uint64_t>(offset) * width);
  if (offset < 0 || static_cast<uint64_t>(offset) > kMaxBitOffset) {
    return Status::OutOfRange(std::string(kErrBitOffset));
  }
  return static_cast<uint64_t>(offset);
}

// Bits set in bytes [first, last] of `value`. REQUIRES: first <= last < value.size()
int64_t CountBytes(std::string_view value, uint64_t first, uint64_t last) {
  const char* p = value.data() + first;
  size_t count = last - first + 1;
  int64_t total = 0;
  for (; count >= 8; p += 8, count -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    total += std::popcount(word);
  }
  for (; count > 0; ++p, --count) total += std::popcount(static_cast<uint8_t>(*p));
  return total;
}

// Bits set in bits [first, last]. REQUIRES: first <= last < value.size() * 8
int64_t CountBits(std::string_view value, uint64_t first, uint64_t last) {
  uint64_t first_byte = first >> 3;
  uint64_t last_byte = last >> 3;
  int64_t total = CountBytes(value, first_byte, last_byte);
  // Take off the bits of the edge bytes that lie outside the range.
  uint8_t before = static_cast<uint8_t>(0xFF00u >> (first & 7));
  uint8_t after = static_cast<uint8_t>(0xFFu >> ((last & 7) + 1));
  total -= std::popcount(static_cast<uint8_t>(ByteAt(value, first_byte) & before));
  total -= std::popcount(static_cast<uint8_t>(ByteAt(value, last_byte) & after));
  return total;
}

// The first bit equal to `bit` in bits [first, last], or -1.
// REQUIRES: first <= last < value.size() * 8
int64_t FindBit(std::string_view value, uint64_t first, uint64_t last, bool bit) {
  auto bit_at = [&](uint64_t pos) {
    return ((static_cast<uint8_t>(value[pos >> 3]) >> (7 - (pos & 7))) & 1) != 0;
  };
  uint64_t pos = first;
  for (; pos <= last && (pos & 7) != 0; ++pos) {
    if (bit_at(pos) == bit) return static_cast<int64_t>(pos);
  }
  // Whole bytes; a byte holding the bit is one that is not all the other bit.
  const uint8_t skip = bit ? 0x00 : 0xFF;
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  while (pos + 63 <= last) {
    uint64_t word;
    std::memcpy(&word, value.data() + (pos >> 3), 8);
    if (word != skip_word) break;
    pos += 64;
  }
  for (; pos + 7 <= last; pos += 8) {
    uint8_t byte = static_cast<uint8_t>(value[pos >> 3]);
    if (byte != skip) {
      uint8_t ones = bit ? byte : static_cast<uint8_t>(~byte);
      return static_cast<int64_t>(pos) + std::countl_zero(ones);
    }
  }
  for (; pos <= last; ++pos) {
    if (bit_at(pos) == bit) return static_cast<int64_t>(pos);
  }
  return -1;
}

// Redis's conversion of a start..end range over `total` units (bytes or bits) to
// inclusive bounds; nullopt when empty. Unlike a plain slice, an end still negative
// after counting from the end is raised to 0.
std::optional<std::pair<int64_t, int64_t>> NormalizeRange(int64_t start, int64_t end,
                                                          int64_t total) {
  // total is at most 2^32 bits, so these additions cannot overflow.
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return std::nullopt;
  return std::pair{start, end};
}

// BYTE or BIT, compared as Redis does (strcasecmp: up to a NUL).
Result<bool> ParseUnitIsBit(std::string_view arg) {
  std::string_view unit = UntilNul(arg);
  if (EqualsIgnoreCase(unit, "bit")) return true;
  if (EqualsIgnoreCase(unit, "byte")) return false;
  return SyntaxError();
}

uint64_t ReadBits(std::string_view value, uint64_t offset, unsigned bits) {
  uint64_t result = 0;
  for (unsigned i = 0; i < bits; ++i) {
    uint64_t pos = offset + i;
    uint64_t bit = (ByteAt(value, pos >> 3) >> (7 - (pos & 7))) & 1;
    result = (result << 1) | bit;
  }
  return result;
}

// REQUIRES: (offset + bits - 1) / 8 < value.size()
void WriteBits(std::string& value, uint64_t offset, unsigned bits, uint64_t field) {
  for (unsigned i = 0; i < bits; ++i) {
    uint64_t pos = offset + i;
    uint8_t mask = static_cast<uint8_t>(0x80u >> (pos & 7));
    auto& byte = reinterpret_cast<uint8_t&>(value[pos >> 3]);
    if ((field >> (bits - 1 - i)) & 1) {
      byte |= mask;
    } else {
      byte &= static_cast<uint8_t>(~mask);
    }
  }
}

int64_t SignExtend(uint64_t field, unsigned bits) {
  if (bits < 64 && (field & (uint64_t{1} << (bits - 1)))) field |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(field);
}

// Redis's checkUnsignedBitfieldOverflow: 0 when value + incr fits in `bits` bits,
// otherwise 1 (above) or -1 (below) with *limit the value to store for WRAP and SAT.
// The comparisons are Redis's own, kept as written so edge cases answer the same.
int CheckUnsignedOverflow(uint64_t value, int64_t incr, unsigned bits, BitfieldOverflow overflow,
                          uint64_t* limit) {
  uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  auto maxincr = static_cast<int64_t>(max - value);
  auto minincr = static_cast<int64_t>(0 - value);
  int direction = 0;
  if (value > max || (incr > 0 && incr > maxincr)) {
    direction = 1;
    *limit = max;
  } else if (incr < 0 && incr < minincr) {
    direction = -1;
    *limit = 0;
  } else {
    return 0;
  }
  if (overflow == BitfieldOverflow::kWrap) {
    uint64_t mask = bits == 64 ? 0 : ~uint64_t{0} << bits;
    *limit = (value + static_cast<uint64_t>(incr)) & ~mask;
  }
  return direction;
}

// Redis's checkSignedBitfieldOverflow, with its arithmetic done unsigned (it wraps the
// same way without undefined behaviour). Its first test compares against max - value,
// which wraps for values far below the minimum: SET i8 to INT64_MIN with SAT stores
// the maximum, as in Redis.
int CheckSignedOverflow(int64_t value, int64_t incr, unsigned bits, BitfieldOverflow overflow,
                        int64_t* limit) {
  int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  int64_t min = -max - 1;
  auto maxincr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  auto minincr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  int direction = 0;
  if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
    direction = 1;
    *limit = max;
  } else if (value < min || (bits != 64 && incr < minincr) ||
             (value < 0 && incr < 0 && incr < minincr)) {
    direction = -1;
    *limit = min;
  } else {
    return 0;
  }
  if (overflow == BitfieldOverflow::kWrap) {
    uint64_t sum = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      uint64_t mask = ~uint64_t{0} << bits;
      sum = (sum & (uint64_t{1} << (bits - 1))) ? (sum | mask) : (sum & ~mask);
    }
    *limit = static_cast<int64_t>(sum);
  }
  return direction;
}

// The reply of one SET or INCRBY, which updates `value` unless OVERFLOW FAIL refuses it.
std::optional<int64_t> ApplyWrite(const BitfieldOp& op, std::string& value) {
  uint64_t field = ReadBits(value, op.offset, op.bits);
  bool incr = op.kind == BitfieldOp::Kind::kIncrBy;
  int overflow = 0;
  uint64_t stored = 0;
  int64_t reply = 0;
  if (op.is_signed) {
    int64_t old_value = SignExtend(field, op.bits);
    int64_t limit = 0;
    if (incr) {
      overflow = CheckSignedOverflow(old_value, op.value, op.bits, op.overflow, &limit);
      int64_t sum =
          static_cast<int64_t>(static_cast<uint64_t>(old_value) + static_cast<uint64_t>(op.value));
      reply = overflow ? limit : sum;
      stored = static_cast<uint64_t>(reply);
    } else {
      overflow = CheckSignedOverflow(op.value, 0, op.bits, op.overflow, &limit);
      stored = static_cast<uint64_t>(overflow ? limit : op.value);
      reply = old_value;
    }
  } else {
    uint64_t limit = 0;
    if (incr) {
      overflow = CheckUnsignedOverflow(field, op.value, op.bits, op.overflow, &limit);
      stored = overflow ? limit : field + static_cast<uint64_t>(op.value);
      reply = static_cast<int64_t>(stored);
    } else {
      uint64_t target = static_cast<uint64_t>(op.value);
      overflow = CheckUnsignedOverflow(target, 0, op.bits, op.overflow, &limit);
      stored = overflow ? limit : target;
      reply = static_cast<int64_t>(field);
    }
  }
  if (overflow != 0 && op.overflow == BitfieldOverflow::kFail) return std::nullopt;
  WriteBits(value, op.offset, op.bits, stored);
  return reply;
}

// "i<bits>" (1..64) or "u<bits>" (1..63: a u64 could not be replied as an integer).
// Redis reads the width as a C string, so it ends at a NUL.
Status ParseBitfieldType(std::string_view arg, BitfieldOp& op) {
  Status error = Status::InvalidArgument(std::string(kErrBitfieldType));
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return error;
  op.is_signed = arg[0] == 'i';
  auto bits = ParseStrictInt64(UntilNul(arg.substr(1)));
  if (!bits || *bits < 1 || *bits > (op.is_signed ? 64 : 63)) return error;
  op.bits = static_cast<uint8_t>(*bits);
  return Status::Ok();
}

}  // namespace

Result<uint64_t> ParseBitOffset(std::string_view arg) { return ParseOffset(arg, 0); }

Result<bool> ParseBitValue(std::string_view arg) {
  auto value = ParseStrictInt64(arg);
  if (!value || (*value != 0 && *value != 1)) {
    return Status::InvalidArgument(std::string(kErrBitValue));
  }
  return *value == 1;
}

bool GetBit(std::optional<std::string_view> current, uint64_t offset) {
  if (!current) return false;
  return (ByteAt(*current, offset >> 3) >> (7 - (offset & 7))) & 1;
}

SetBitResult SetBit(std::optional<std::string_view> current, uint64_t offset, bool bit) {
  bool old_bit = GetBit(current, offset);
  size_t byte = offset >> 3;
  bool grows = !current || byte >= current->size();
  if (!grows && old_bit == bit) return SetBitResult{std::nullopt, old_bit};

  std::string value(current.value_or(std::string_view()));
  if (grows) value.resize(byte + 1, '\0');
  uint8_t mask = static_cast<uint8_t>(0x80u >> (offset & 7));
  auto& target = reinterpret_cast<uint8_t&>(value[byte]);
  target = bit ? (target | mask) : (target & static_cast<uint8_t>(~mask));
  return SetBitResult{std::move(value), old_bit};
}

Result<int64_t> BitCount(std::optional<std::string_view> current,
                         std::span<const std::string_view> range_args) {
  if (!current) return int64_t{0};
  std::string_view value = *current;
  if (value.empty() && range_args.empty()) return int64_t{0};
  if (range_args.empty()) return CountBytes(value, 0, value.size() - 1);
  if (range_args.size() != 2 && range_args.size() != 3) return SyntaxError();

  auto start = ParseStrictInt64(range_args[0]);
  if (!start) return NotInteger();
  auto end = ParseStrictInt64(range_args[1]);
  if (!end) return NotInteger();
  // Redis 7.0 answers this case before it reads the unit, so a bad unit goes unnoticed.
  if (*start < 0 && *end < 0 && *start > *end) return int64_t{0};
  bool in_bits = false;
  if (range_args.size() == 3) {
    auto unit = ParseUnitIsBit(range_args[2]);
    if (!unit.ok()) return unit.status();
    in_bits = *unit;
  }

  int64_t total = static_cast<int64_t>(value.size()) * (in_bits ? 8 : 1);
  auto range = NormalizeRange(*start, *end, total);
  if (!range) return int64_t{0};
  if (!in_bits) return CountBytes(value, range->first, range->second);
  return CountBits(value, range->first, range->second);
}

Result<bool> ParseBitPosBit(std::string_view arg) {
  auto bit = ParseStrictInt64(arg);
  if (!bit) return NotInteger();
  if (*bit != 0 && *bit != 1) return Status::InvalidArgument(std::string(kErrBitPosBit));
  return *bit == 1;
}

Result<int64_t> BitPos(std::optional<std::string_view> current, bool bit,
                       std::span<const std::string_view> range_args) {
  // A missing key reads as zeros without end.
  if (!current) return int64_t{bit ? -1 : 0};
  std::string_view value = *current;
  int64_t length = static_cast<int64_t>(value.size());
  if (range_args.size() > 3) return SyntaxError();

  // Redis's order: start, then the unit, then end.
  int64_t start = 0;
  int64_t end = length - 1;
  bool in_bits = false;
  bool end_given = false;
  if (!range_args.empty()) {
    auto parsed = ParseStrictInt64(range_args[0]);
    if (!parsed) return NotInteger();
    start = *parsed;
  }
  if (range_args.size() == 3) {
    auto unit = ParseUnitIsBit(range_args[2]);
    if (!unit.ok()) return unit.status();
    in_bits = *unit;
  }
  if (range_args.size() >= 2) {
    auto parsed = ParseStrictInt64(range_args[1]);
    if (!parsed) return NotInteger();
    end = *parsed;
    end_given = true;
  }

  auto range = NormalizeRange(start, end, in_bits ? length * 8 : length);
  // An empty range holds neither a 0 nor a 1.
  if (!range) return int64_t{-1};
  uint64_t first = static_cast<uint64_t>(range->first);
  uint64_t last = static_cast<uint64_t>(range->second);
  if (!in_bits) {
    first *= 8;
    last = last * 8 + 7;
  }
  int64_t found = FindBit(value, first, last, bit);
  if (found >= 0) return found;
  // Without an explicit end the value counts as followed by zeros, so a clear bit is
  // found just past the range.
  if (!bit && !end_given) return static_cast<int64_t>(last + 1);
  return int64_t{-1};
}

Result<BitOpKind> ParseBitOp(std::string_view name, size_t source_count) {
  std::string_view op = UntilNul(name);
  BitOpKind kind;
  if (EqualsIgnoreCase(op, "and")) {
    kind = BitOpKind::kAnd;
  } else if (EqualsIgnoreCase(op, "or")) {
    kind = BitOpKind::kOr;
  } else if (EqualsIgnoreCase(op, "xor")) {
    kind = BitOpKind::kXor;
  } else if (EqualsIgnoreCase(op, "not")) {
    kind = BitOpKind::kNot;
  } else {
    return SyntaxError();
  }
  if (kind == BitOpKind::kNot && source_count != 1) {
    return Status::InvalidArgument(std::string(kErrBitOpNot));
  }
  return kind;
}

std::string BitOp(BitOpKind kind, std::span<const std::string_view> sources) {
  size_t length = 0;
  for (std::string_view source : sources) length = std::max(length, source.size());
  if (sources.empty() || length == 0) return {};

  std::string result(length, '\0');
  auto* out = reinterpret_cast<uint8_t*>(result.data());
  auto bytes = [](std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); };
  const uint8_t* first = bytes(sources[0]);
  std::copy(first, first + sources[0].size(), out);
  if (kind == BitOpKind::kNot) {
    for (size_t i = 0; i < length; ++i) out[i] = static_cast<uint8_t>(~out[i]);
    return result;
  }
  // Simple byte loops over each source in turn, which the compiler vectorizes.
  for (std::string_view source : sources.subspan(1)) {
    const uint8_t* in = bytes(source);
    size_t n = source.size();
    switch (kind) {
      case BitOpKind::kAnd:
        for (size_t i = 0; i < n; ++i) out[i] &= in[i];
        std::fill(out + n, out + length, uint8_t{0});  // past its end a source is zero
        break;
      case BitOpKind::kOr:
        for (size_t i = 0; i < n; ++i) out[i] |= in[i];
        break;
      case BitOpKind::kXor:
        for (size_t i = 0; i < n; ++i) out[i] ^= in[i];
        break;
      case BitOpKind::kNot:
        break;
    }
  }
  return result;
}

Result<BitfieldPlan> ParseBitfield(std::span<const std::string_view> args, bool read_only) {
  BitfieldPlan plan;
  BitfieldOverflow overflow = BitfieldOverflow::kWrap;
  for (size_t j = 0; j < args.size(); ++j) {
    size_t remaining = args.size() - j - 1;
    std::string_view subcommand = UntilNul(args[j]);
    BitfieldOp op;
    if (EqualsIgnoreCase(subcommand, "get") && remaining >= 2) {
      op.kind = BitfieldOp::Kind::kGet;
    } else if (EqualsIgnoreCase(subcommand, "set") && remaining >= 3) {
      op.kind = BitfieldOp::Kind::kSet;
    } else if (EqualsIgnoreCase(subcommand, "incrby") && remaining >= 3) {
      op.kind = BitfieldOp::Kind::kIncrBy;
    } else if (EqualsIgnoreCase(subcommand, "overflow") && remaining >= 1) {
      std::string_view mode = UntilNul(args[++j]);
      if (EqualsIgnoreCase(mode, "wrap")) {
        overflow = BitfieldOverflow::kWrap;
      } else if (EqualsIgnoreCase(mode, "sat")) {
        overflow = BitfieldOverflow::kSat;
      } else if (EqualsIgnoreCase(mode, "fail")) {
        overflow = BitfieldOverflow::kFail;
      } else {
        return Status::InvalidArgument(std::string(kErrBitfieldOverflow));
      }
      continue;
    } else {
      return SyntaxError();
    }

    Status type = ParseBitfieldType(args[j + 1], op);
    if (!type.ok()) return type;
    auto offset = ParseOffset(args[j + 2], op.bits);
    if (!offset.ok()) return offset.status();
    op.offset = *offset;
    op.overflow = overflow;
    if (op.kind != BitfieldOp::Kind::kGet) {
      plan.writes = true;
      plan.highest_write_bit = std::max(plan.highest_write_bit, op.offset + op.bits - 1);
      auto value = ParseStrictInt64(args[j + 3]);
      if (!value) return NotInteger();
      op.value = *value;
    }
    plan.ops.push_back(op);
    j += op.kind == BitfieldOp::Kind::kGet ? 2 : 3;
  }
  if (read_only && plan.writes) return Status::InvalidArgument(std::string(kErrBitfieldReadOnly));
  return plan;
}

BitfieldResult ApplyBitfield(const BitfieldPlan& plan, std::optional<std::string_view> current) {
  BitfieldResult result;
  result.replies.reserve(plan.ops.size());
  if (!plan.writes) {
    std::string_view value = current.value_or(std::string_view());
    for (const BitfieldOp& op : plan.ops) {
      uint64_t field = ReadBits(value, op.offset, op.bits);
      result.replies.push_back(op.is_signed ? SignExtend(field, op.bits)
                                            : static_cast<int64_t>(field));
    }
    return result;
  }

  // The offset bound keeps the highest bit below 2^32 + 64: the size fits in size_t.
  std::string value(current.value_or(std::string_view()));
  size_t needed = static_cast<size_t>(plan.highest_write_bit >> 3) + 1;
  if (value.size() < needed) value.resize(needed, '\0');
  for (const BitfieldOp& op : plan.ops) {
    if (op.kind == BitfieldOp::Kind::kGet) {
      uint64_t field = ReadBits(value, op.offset, op.bits);
      result.replies.push_back(op.is_signed ? SignExtend(field, op.bits)
                                            : static_cast<int64_t>(field));
    } else {
      result.replies.push_back(ApplyWrite(op, value));
    }
  }
  result.value = std::move(value);
  return result;
}

}  // namespace ferrite
