// Expected values are redis-server 7.0's replies to the same operations.
#include "commands/lcs_values.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "commands/error_replies.h"
#include "commands/string_values.h"

namespace ferrite {
namespace {

using namespace std::string_literals;

using Args = std::vector<std::string_view>;

// The reply as redis-cli would list it: the string, the length, or
// "[a_start,a_end b_start,b_end (length)] ... len=N".
std::string Show(std::string_view a, std::string_view b, Args args) {
  auto options = ParseLcsOptions(args);
  if (!options.ok()) return std::string(options.status().message());
  auto result = Lcs(a, b, *options);
  if (!result.ok()) return std::string(result.status().message());
  switch (result->reply) {
    case LcsResult::Reply::kString:
      return result->lcs;
    case LcsResult::Reply::kLength:
      return std::to_string(result->length);
    case LcsResult::Reply::kMatches:
      break;
  }
  std::string out;
  for (const LcsMatch& m : result->matches) {
    out += "[" + std::to_string(m.a_start) + "," + std::to_string(m.a_end) + " " +
           std::to_string(m.b_start) + "," + std::to_string(m.b_end);
    if (options->with_match_len) out += " " + std::to_string(m.length);
    out += "] ";
  }
  return out + "len=" + std::to_string(result->length);
}

TEST(LcsTest, StringLengthAndRanges) {
  EXPECT_EQ(Show("ohmytext", "mynewtext", {}), "mytext");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"len"}), "6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"idx"}), "[4,7 5,8] [2,3 0,1] len=6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"idx", "minmatchlen", "4"}), "[4,7 5,8] len=6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"idx", "minmatchlen", "4", "withmatchlen"}),
            "[4,7 5,8 4] len=6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"idx", "withmatchlen"}),
            "[4,7 5,8 4] [2,3 0,1 2] len=6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"minmatchlen", "-5", "idx"}),
            "[4,7 5,8] [2,3 0,1] len=6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"idx\0zz"s}), "[4,7 5,8] [2,3 0,1] len=6");
  // Options that do not apply to the chosen reply are accepted and ignored.
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"len", "withmatchlen"}), "6");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"withmatchlen"}), "mytext");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"minmatchlen", "3"}), "mytext");
  EXPECT_EQ(Show("ohmytext", "mynewtext", {"LEN", "LEN"}), "6");
}

TEST(LcsTest, EmptyAndMissingStrings) {
  EXPECT_EQ(Show("ohmytext", "", {}), "");
  EXPECT_EQ(Show("ohmytext", "", {"idx"}), "len=0");
  EXPECT_EQ(Show("", "", {"len"}), "0");
  EXPECT_EQ(Show("a\0b"s, "\0"s, {}), "\0"s);
}

TEST(LcsTest, OptionErrors) {
  EXPECT_EQ(Show("a", "b", {"len", "idx"}),
            "ERR If you want both the length and indexes, please just use IDX.");
  EXPECT_EQ(Show("a", "b", {"idx", "len"}), kErrLcsLenAndIdx);
  EXPECT_EQ(Show("a", "b", {"minmatchlen"}), "ERR syntax error");
  EXPECT_EQ(Show("a", "b", {"foo"}), kErrSyntax);
  EXPECT_EQ(Show("a", "b", {"minmatchlen", "x"}), "ERR value is not an integer or out of range");
  // Options parse in order; the LEN and IDX conflict is checked after all of them.
  EXPECT_EQ(Show("a", "b", {"minmatchlen", "x", "len", "idx"}), kErrNotInteger);
  EXPECT_EQ(Show("a", "b", {"len", "idx", "foo"}), kErrSyntax);
}

TEST(LcsTest, TableSizeLimit) {
  // Redis refuses a table above proto-max-bulk-len bytes before allocating it.
  EXPECT_EQ(LcsTableBytes(8191, 16383), static_cast<uint64_t>(kMaxStringSize));
  EXPECT_GT(LcsTableBytes(8191, 16384), static_cast<uint64_t>(kMaxStringSize));
  EXPECT_GT(LcsTableBytes(11600, 11600), static_cast<uint64_t>(kMaxStringSize));
  std::string a(11600, 'a');
  std::string b(11600, 'b');
  EXPECT_EQ(Show(a, b, {"len"}),
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  EXPECT_EQ(Lcs(a, b, {}).status().code(), StatusCode::kResourceExhausted);
  // Even against an empty string: the table still has |b| + 1 cells.
  EXPECT_GT(LcsTableBytes(0, uint64_t{128} << 20), static_cast<uint64_t>(kMaxStringSize));
  EXPECT_EQ(Show("", b, {"len"}), "0");
}

// Longest common subsequence length by memoized recursion: an independent reference.
int64_t NaiveLength(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> memo(a.size() + 1, std::vector<int>(b.size() + 1, -1));
  auto solve = [&](auto& self, size_t i, size_t j) -> int {
    if (i == a.size() || j == b.size()) return 0;
    int& m = memo[i][j];
    if (m >= 0) return m;
    if (a[i] == b[j]) return m = 1 + self(self, i + 1, j + 1);
    return m = std::max(self(self, i + 1, j), self(self, i, j + 1));
  };
  return solve(solve, 0, 0);
}

bool IsSubsequence(std::string_view sub, std::string_view of) {
  size_t at = 0;
  for (char c : of) {
    if (at < sub.size() && sub[at] == c) ++at;
  }
  return at == sub.size();
}

TEST(LcsTest, AgreesWithAReferenceOnRandomInputs) {
  std::mt19937_64 rng(8);
  for (int i = 0; i < 3000; ++i) {
    std::string alphabet = i % 3 == 0 ? "ab" : i % 3 == 1 ? "acgt" : "abcdefgh\0"s;
    auto random_string = [&] {
      std::string s(rng() % 25, 'a');
      for (char& c : s) c = alphabet[rng() % alphabet.size()];
      return s;
    };
    std::string a = random_string();
    std::string b = random_string();
    int64_t expected = NaiveLength(a, b);

    auto plain = Lcs(a, b, {});
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->length, expected);
    EXPECT_EQ(static_cast<int64_t>(plain->lcs.size()), expected);
    EXPECT_TRUE(IsSubsequence(plain->lcs, a) && IsSubsequence(plain->lcs, b)) << a << " " << b;
    EXPECT_EQ(Lcs(a, b, {.len = true})->length, expected);

    // The ranges, read from the last back to the first, spell the same string; each is
    // the same bytes in both, and they move strictly backwards through both strings.
    auto idx = Lcs(a, b, {.idx = true});
    ASSERT_TRUE(idx.ok());
    std::string spelled;
    int64_t a_floor = static_cast<int64_t>(a.size());
    int64_t b_floor = static_cast<int64_t>(b.size());
    for (const LcsMatch& m : idx->matches) {
      ASSERT_EQ(m.length, m.a_end - m.a_start + 1);
      ASSERT_EQ(m.length, m.b_end - m.b_start + 1);
      ASSERT_LT(m.a_end, a_floor);
      ASSERT_LT(m.b_end, b_floor);
      std::string_view piece = std::string_view(a).substr(m.a_start, m.length);
      ASSERT_EQ(piece, std::string_view(b).substr(m.b_start, m.length));
      spelled.insert(0, piece);
      a_floor = m.a_start;
      b_floor = m.b_start;
    }
    EXPECT_EQ(spelled, plain->lcs);

    int64_t min_len = static_cast<int64_t>(rng() % 4);
    auto filtered = Lcs(a, b, {.idx = true, .min_match_len = min_len});
    size_t kept = 0;
    for (const LcsMatch& m : idx->matches) kept += m.length >= min_len;
    EXPECT_EQ(filtered->matches.size(), kept);
  }
}

}  // namespace
}  // namespace ferrite
