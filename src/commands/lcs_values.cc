#include "commands/lcs_values.h"

#include <algorithm>
#include <memory>
#include <new>

#include "commands/error_replies.h"
#include "commands/string_values.h"
#include "util/ascii.h"
#include "util/strict_int.h"

namespace ferrite {
namespace {

// The length only needs two rows of the table, but the size checks stay Redis's, so
// that LEN is refused exactly where the other forms are.
int64_t LcsLength(std::string_view a, std::string_view b) {
  std::vector<uint32_t> previous(b.size() + 1, 0);
  std::vector<uint32_t> row(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      row[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], row[j - 1]);
    }
    std::swap(previous, row);
  }
  return previous[b.size()];
}

}  // namespace

Result<LcsOptions> ParseLcsOptions(std::span<const std::string_view> args) {
  LcsOptions options;
  for (size_t j = 0; j < args.size(); ++j) {
    std::string_view option = UntilNul(args[j]);
    bool more = j + 1 < args.size();
    if (EqualsIgnoreCase(option, "idx")) {
      options.idx = true;
    } else if (EqualsIgnoreCase(option, "len")) {
      options.len = true;
    } else if (EqualsIgnoreCase(option, "withmatchlen")) {
      options.with_match_len = true;
    } else if (EqualsIgnoreCase(option, "minmatchlen") && more) {
      auto length = ParseStrictInt64(args[++j]);
      if (!length) return Status::InvalidArgument(std::string(kErrNotInteger));
      options.min_match_len = std::max<int64_t>(*length, 0);
    } else {
      return Status::InvalidArgument(std::string(kErrSyntax));
    }
  }
  if (options.idx && options.len) return Status::InvalidArgument(std::string(kErrLcsLenAndIdx));
  return options;
}

uint64_t LcsTableBytes(uint64_t a_size, uint64_t b_size) {
  return (a_size + 1) * (b_size + 1) * sizeof(uint32_t);
}

Result<LcsResult> Lcs(std::string_view a, std::string_view b, const LcsOptions& options) {
  // Redis's bounds, in its order. The first cannot trigger for strings Redis accepts,
  // but keeps the 32-bit table cells and indexes below from wrapping.
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    return Status::OutOfRange(std::string(kErrLcsTooLong));
  }
  if (LcsTableBytes(a.size(), b.size()) > static_cast<uint64_t>(kMaxStringSize)) {
    return Status::ResourceExhausted(std::string(kErrLcsTableTooBig));
  }

  LcsResult result;
  if (options.len && !options.idx) {
    result.reply = LcsResult::Reply::kLength;
    result.length = LcsLength(a, b);
    return result;
  }

  // The full table, cell (i, j) holding the LCS length of a[0, i) and b[0, j): the
  // walk back from the end needs all of it.
  const size_t alen = a.size();
  const size_t blen = b.size();
  const size_t width = blen + 1;
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[(alen + 1) * width]);
  if (!table) return Status::ResourceExhausted(std::string(kErrLcsAllocation));
  auto cell = [&](size_t i, size_t j) -> uint32_t& { return table[i * width + j]; };
  for (size_t j = 0; j <= blen; ++j) cell(0, j) = 0;
  for (size_t i = 1; i <= alen; ++i) {
    cell(i, 0) = 0;
    for (size_t j = 1; j <= blen; ++j) {
      cell(i, j) =
          a[i - 1] == b[j - 1] ? cell(i - 1, j - 1) + 1 : std::max(cell(i - 1, j), cell(i, j - 1));
    }
  }

  // Walk back from the end as Redis does (on a tie, step back in b), so the string
  // and the ranges are the ones Redis picks among equally long answers. A range grows
  // backwards while the walk matches, and is emitted when the walk leaves it or
  // reaches the start of either string.
  uint32_t length = cell(alen, blen);
  result.length = length;
  result.reply = options.idx ? LcsResult::Reply::kMatches : LcsResult::Reply::kString;
  if (!options.idx) result.lcs.resize(length);
  bool in_range = false;
  LcsMatch range;
  size_t i = alen;
  size_t j = blen;
  size_t next = length;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      if (!options.idx) result.lcs[--next] = a[i - 1];
      if (!in_range) {
        in_range = true;
        range.a_start = range.a_end = static_cast<int64_t>(i - 1);
        range.b_start = range.b_end = static_cast<int64_t>(j - 1);
      } else {
        // The previous step matched a[i] with b[j], so this match extends the range.
        --range.a_start;
        --range.b_start;
      }
      if (range.a_start == 0 || range.b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (cell(i - 1, j) > cell(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (in_range) emit = true;
    }
    if (emit) {
      range.length = range.a_end - range.a_start + 1;
      if (options.idx && (options.min_match_len == 0 || range.length >= options.min_match_len)) {
        result.matches.push_back(range);
      }
      in_range = false;
    }
  }
  return result;
}

}  // namespace ferrite
