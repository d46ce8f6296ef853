// Expected values are redis-server 7.0's replies to the same operations.
#include "commands/string_values.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "commands/error_replies.h"

namespace ferrite {
namespace {

using namespace std::string_literals;
using std::nullopt;

template <typename T>
std::string ErrorOf(const Result<T>& result) {
  return result.ok() ? "(ok)" : std::string(result.status().message());
}

constexpr std::string_view kMissing = "(missing)";

// --- INCR, DECR, INCRBY, DECRBY ---

TEST(IncrementTest, AddsToTheStoredInteger) {
  EXPECT_EQ(*IncrementBy("10", 1), 11);
  EXPECT_EQ(*IncrementBy(nullopt, 1), 1);
  EXPECT_EQ(*IncrementBy(nullopt, -1), -1);
  EXPECT_EQ(*IncrementBy("-9223372036854775807", -1), INT64_MIN);
  EXPECT_EQ(*IncrementBy("9223372036854775807", -1), INT64_MAX - 1);
  EXPECT_EQ(*IncrementBy("9223372036854775807", 0), INT64_MAX);
  EXPECT_EQ(*IncrementBy("5", INT64_MIN), -9223372036854775803);
  EXPECT_EQ(*IncrementBy("-5", INT64_MAX), 9223372036854775802);
}

TEST(IncrementTest, OverflowIsRefused) {
  EXPECT_EQ(ErrorOf(IncrementBy("11", 9223372036854775797)),
            "ERR increment or decrement would overflow");
  EXPECT_EQ(ErrorOf(IncrementBy("-9223372036854775808", -1)), kErrIncrOverflow);
  EXPECT_EQ(ErrorOf(IncrementBy("9223372036854775807", 1)), kErrIncrOverflow);
  EXPECT_EQ(ErrorOf(IncrementBy("-1", INT64_MIN)), kErrIncrOverflow);
  EXPECT_EQ(IncrementBy("1", INT64_MAX).status().code(), StatusCode::kOutOfRange);
}

TEST(IncrementTest, StoredValueMustBeAStrictInteger) {
  for (std::string value : {""s, "+1"s, " 1"s, "1 "s, "01"s, "-0"s, "1.0"s, "abc"s,
                            "12345678901234567890"s, "9223372036854775808"s,
                            "1\0"s
                            "2"s}) {
    EXPECT_EQ(ErrorOf(IncrementBy(value, 1)), "ERR value is not an integer or out of range")
        << value;
  }
}

TEST(IncrementTest, ArgumentsParseStrictly) {
  EXPECT_EQ(*ParseIncrement("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ErrorOf(ParseIncrement("01")), kErrNotInteger);
  EXPECT_EQ(ErrorOf(ParseIncrement("9223372036854775808")), kErrNotInteger);
  EXPECT_EQ(ErrorOf(ParseIncrement("abc")), kErrNotInteger);
  EXPECT_EQ(*ParseDecrement("7"), -7);
  EXPECT_EQ(*ParseDecrement("-9223372036854775807"), INT64_MAX);
  // Checked before the key is read: DECRBY of a missing key by INT64_MIN fails too.
  EXPECT_EQ(ErrorOf(ParseDecrement("-9223372036854775808")), "ERR decrement would overflow");
  EXPECT_EQ(ErrorOf(ParseDecrement("x")), kErrNotInteger);
}

TEST(IncrementTest, MatchesWideArithmeticOnRandomInputs) {
  std::mt19937_64 rng(20240611);
  auto pick = [&]() -> int64_t {
    switch (rng() % 4) {
      case 0:
        return static_cast<int64_t>(rng());
      case 1:
        return static_cast<int64_t>(rng() % 2001) - 1000;
      case 2:
        return INT64_MAX - static_cast<int64_t>(rng() % 1000);
      default:
        return INT64_MIN + static_cast<int64_t>(rng() % 1000);
    }
  };
  for (int i = 0; i < 100000; ++i) {
    int64_t value = pick();
    int64_t delta = pick();
    __int128 sum = static_cast<__int128>(value) + delta;
    auto result = IncrementBy(std::to_string(value), delta);
    if (sum > INT64_MAX || sum < INT64_MIN) {
      EXPECT_EQ(ErrorOf(result), kErrIncrOverflow) << value << " + " << delta;
    } else {
      ASSERT_TRUE(result.ok()) << value << " + " << delta;
      EXPECT_EQ(*result, static_cast<int64_t>(sum));
    }
  }
}

// --- INCRBYFLOAT ---

std::string Float(std::optional<std::string_view> current, std::string_view increment) {
  auto result = IncrementByFloat(current, increment);
  return result.ok() ? *result : std::string(result.status().message());
}

TEST(IncrementByFloatTest, FormatsAsRedisDoes) {
  EXPECT_EQ(Float("10.5", "0.1"), "10.6");
  EXPECT_EQ(Float("10.6", "-5.0e3"), "-4989.39999999999999991");
  EXPECT_EQ(Float(nullopt, "3.0e3"), "3000");
  EXPECT_EQ(Float("0.1", "0.2"), "0.3");
  EXPECT_EQ(Float(nullopt, "5"), "5");
  EXPECT_EQ(Float("5", "1.0e17"), "100000000000000005");
  EXPECT_EQ(Float(nullopt, "-1.5"), "-1.5");
  EXPECT_EQ(Float(nullopt, "123456789012345678901234567890"), "123456789012345678899921813504");
  EXPECT_EQ(Float(nullopt, "0.1234567890123456789"), "0.12345678901234568");
  EXPECT_EQ(Float(nullopt, "3.14159265358979323846"), "3.14159265358979324");
  EXPECT_EQ(Float("9223372036854775807", "1"), "9223372036854775808");
  EXPECT_EQ(Float(nullopt, "1.1e-17"), "0.00000000000000001");
  EXPECT_EQ(Float(nullopt, "1e-18"), "0");
  // Negative zero, and negatives that round to zero, are written "0".
  EXPECT_EQ(Float(nullopt, "-0.0"), "0");
  EXPECT_EQ(Float(nullopt, "-1e-30"), "0");
  EXPECT_EQ(Float(nullopt, "1e300"),
            "1000000000000000000008997324079559193870523944273290747938260082321265646596180935"
            "755849152083750497190350372508614274835903592556184672983913096260520748646287327"
            "135641843653294084255107606016789726652932370030551382947620994540294772781889620"
            "606179267611627097410650567187386105690089424915104006144");
  EXPECT_EQ(Float(nullopt, "1.7976931348623157e308").size(), 309u);
}

TEST(IncrementByFloatTest, ParsesWhatStrtoldAccepts) {
  EXPECT_EQ(Float(nullopt, "+1.5"), "1.5");
  EXPECT_EQ(Float("1.5", "0x10"), "17.5");
  EXPECT_EQ(Float(nullopt, "0x1p3"), "8");
  EXPECT_EQ(Float(nullopt, ".5"), "0.5");
  EXPECT_EQ(Float("0.5", "5."), "5.5");
  EXPECT_EQ(Float(nullopt, "1.5E+2"), "150");
  EXPECT_EQ(Float("150", "-.5e-1"), "149.95");
  // Denormals are accepted (only underflow to zero is refused).
  EXPECT_EQ(Float(nullopt, "1e-4940"), "0");
  EXPECT_EQ(Float(nullopt, "0x1p-16445"), "0");
  EXPECT_EQ(Float(nullopt, "1e-4950"), "0");
  // The stored value parses the same way.
  EXPECT_EQ(Float("0x10", "0"), "16");
  std::string zeros(5119, '0');
  EXPECT_EQ(Float(zeros, "1"), "1");
}

TEST(IncrementByFloatTest, RefusesWhatRedisRefuses) {
  for (std::string text : {""s,
                           "nan"s,
                           "-nan"s,
                           "NAN"s,
                           " 1"s,
                           "1 "s,
                           "1\t"s,
                           "\t1"s,
                           "\n1"s,
                           "1_000"s,
                           "0x"s,
                           "1e"s,
                           "1e+"s,
                           "e5"s,
                           "abc"s,
                           "1e5000"s,
                           "-1e5000"s,
                           "1e-5000"s,
                           "1\0"s,
                           "1\0"s
                           "2"s}) {
    EXPECT_EQ(Float(nullopt, text), "ERR value is not a valid float") << text;
    EXPECT_EQ(Float(text, "1"), kErrNotFloat) << text;
  }
  EXPECT_EQ(Float(std::string(5120, '0'), "1"), kErrNotFloat);
}

TEST(IncrementByFloatTest, InfinityParsesButCannotBeStored) {
  for (std::string text : {"inf"s, "-inf"s, "INF"s, "infinity"s}) {
    EXPECT_EQ(Float(nullopt, text), "ERR increment would produce NaN or Infinity") << text;
  }
  EXPECT_EQ(Float("inf", "0"), kErrIncrNanOrInfinity);
  EXPECT_EQ(Float("inf", "-inf"), kErrIncrNanOrInfinity);  // NaN
  // Long double reaches past double's range; past its own, the sum is infinite.
  std::string big = *IncrementByFloat(nullopt, "1e4932");
  EXPECT_EQ(big.size(), 4933u);
  EXPECT_EQ(big.substr(0, 24), "100000000000000000000601");
  EXPECT_EQ(Float(big, "1e4932"), kErrIncrNanOrInfinity);
  EXPECT_EQ(IncrementByFloat(big, "1e4932").status().code(), StatusCode::kOutOfRange);
  std::string large = *IncrementByFloat("1e4000", "0");
  EXPECT_EQ(large.size(), 4000u);  // the nearest long double is just below 1e4000
  EXPECT_EQ(large.substr(0, 20), "99999999999999999999");
}

TEST(IncrementByFloatTest, FormatRoundTripsShortDecimals) {
  // Below 64 in magnitude a 64-bit mantissa is finer than half of 1e-17, so "%.17Lf"
  // and the trimming write a decimal back as typed; larger values show the error
  // (-4989.39999999999999991 above).
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string text = std::to_string(rng() % 64);
    int decimals = static_cast<int>(rng() % 7);
    if (decimals > 0) {
      text += '.';
      for (int d = 0; d < decimals; ++d) text += static_cast<char>('0' + rng() % 10);
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    if (text != "0" && rng() % 2) text.insert(0, "-");
    EXPECT_EQ(Float(nullopt, text), text);
  }
}

// --- APPEND ---

TEST(AppendTest, CreatesOrExtends) {
  EXPECT_EQ(*Append(nullopt, ""), "");  // the key is created, empty
  EXPECT_EQ(*Append(nullopt, "x\0y"s), "x\0y"s);
  EXPECT_EQ(*Append("x\0y"s, ""), "x\0y"s);
  EXPECT_EQ(*Append("12", "3"), "123");
}

TEST(AppendTest, RefusesToPassTheSizeLimit) {
  EXPECT_TRUE(CheckStringLength(kMaxStringSize - 1, 1).ok());
  EXPECT_TRUE(CheckStringLength(kMaxStringSize, 0).ok());
  EXPECT_TRUE(CheckStringLength(0, kMaxStringSize).ok());
  EXPECT_EQ(CheckStringLength(kMaxStringSize, 1).message(),
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(CheckStringLength(1, kMaxStringSize).message(), kErrStringTooLong);
  EXPECT_EQ(CheckStringLength(INT64_MAX, 2).message(), kErrStringTooLong);
  EXPECT_EQ(CheckStringLength(INT64_MAX, INT64_MAX).message(), kErrStringTooLong);
  EXPECT_EQ(kMaxStringSize, 536870912);
}

// --- SETRANGE ---

std::string Show(const Result<SetRangeResult>& result) {
  if (!result.ok()) return std::string(result.status().message());
  std::string out = result->value ? *result->value : std::string(kMissing);
  return out + " -> " + std::to_string(result->length);
}

TEST(SetRangeTest, OffsetParsesBeforeTheKeyIsRead) {
  EXPECT_EQ(*ParseSetRangeOffset("0"), 0);
  EXPECT_EQ(*ParseSetRangeOffset("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ErrorOf(ParseSetRangeOffset("-1")), "ERR offset is out of range");
  EXPECT_EQ(ErrorOf(ParseSetRangeOffset("abc")), kErrNotInteger);
  EXPECT_EQ(ErrorOf(ParseSetRangeOffset("9223372036854775808")), kErrNotInteger);
}

TEST(SetRangeTest, PadsWithZeroBytes) {
  EXPECT_EQ(Show(SetRange(nullopt, 3, "hi")), "\0\0\0hi -> 5"s);
  EXPECT_EQ(Show(SetRange("\0\0\0hi"s, 1, "\0\x01"s)), "\0\0\x01hi -> 5"s);
  EXPECT_EQ(Show(SetRange("HELLO", 7, "z")), "HELLO\0\0z -> 8"s);
  EXPECT_EQ(Show(SetRange("12", 1, "5")), "15 -> 2");
  EXPECT_EQ(Show(SetRange("Hello World", 6, "Redis")), "Hello Redis -> 11");
  EXPECT_EQ(Show(SetRange("", 0, "x")), "x -> 1");
}

TEST(SetRangeTest, NothingToWriteLeavesTheKey) {
  // No key is created, and no size check applies: the reply is the current length.
  EXPECT_EQ(Show(SetRange(nullopt, 5, "")), "(missing) -> 0");
  EXPECT_EQ(Show(SetRange(nullopt, kMaxStringSize, "")), "(missing) -> 0");
  EXPECT_EQ(Show(SetRange("abcdef", kMaxStringSize, "")), "(missing) -> 6");
  EXPECT_EQ(Show(SetRange("abcdef", INT64_MAX, "")), "(missing) -> 6");
}

TEST(SetRangeTest, RefusesToPassTheSizeLimit) {
  EXPECT_EQ(Show(SetRange(nullopt, kMaxStringSize, "x")),
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(Show(SetRange(nullopt, kMaxStringSize - 1, "xy")), kErrStringTooLong);
  EXPECT_EQ(Show(SetRange("abc", kMaxStringSize, "x")), kErrStringTooLong);
  EXPECT_EQ(Show(SetRange("abc", INT64_MAX, "xy")), kErrStringTooLong);
  EXPECT_EQ(SetRange("abc", INT64_MAX, "xy").status().code(), StatusCode::kOutOfRange);
}

// --- GETRANGE, STRLEN ---

std::string Range(std::optional<std::string_view> value, int64_t start, int64_t end) {
  return std::string(GetRange(value, {start, end}));
}

TEST(GetRangeTest, NormalizesAsRedis70) {
  const std::string s = "Hello World";
  EXPECT_EQ(Range(s, 0, 3), "Hell");
  EXPECT_EQ(Range(s, -3, -1), "rld");
  EXPECT_EQ(Range(s, 0, -1), "Hello World");
  EXPECT_EQ(Range(s, 10, 100), "d");
  EXPECT_EQ(Range(s, -1, -5), "");
  EXPECT_EQ(Range(s, 5, 3), "");
  EXPECT_EQ(Range(s, 11, 11), "");
  EXPECT_EQ(Range(s, 3, -100), "");
  EXPECT_EQ(Range(s, -5, -100), "");
  // An end still negative after counting from the end becomes 0, not empty.
  EXPECT_EQ(Range(s, -100, -50), "H");
  EXPECT_EQ(Range(s, 0, -100), "H");
  EXPECT_EQ(Range(s, INT64_MIN, INT64_MAX), "Hello World");
  EXPECT_EQ(Range(s, INT64_MAX, INT64_MIN), "");
  EXPECT_EQ(Range("x\0y"s, 1, 1), "\0"s);
}

TEST(GetRangeTest, EmptyAndMissingValues) {
  EXPECT_EQ(Range(nullopt, 0, -1), "");
  EXPECT_EQ(Range("", 0, -1), "");
  EXPECT_EQ(Range("", 0, 0), "");
  EXPECT_EQ(Range("", -1, 0), "");
  EXPECT_EQ(StringLength(nullopt), 0);
  EXPECT_EQ(StringLength("x\0y"s), 3);
}

TEST(GetRangeTest, IndexesParseStrictly) {
  EXPECT_EQ(ParseIndexRange("-9223372036854775808", "9223372036854775807")->start, INT64_MIN);
  EXPECT_EQ(ErrorOf(ParseIndexRange("a", "0")), kErrNotInteger);
  EXPECT_EQ(ErrorOf(ParseIndexRange("0", "b")), kErrNotInteger);
  EXPECT_EQ(ErrorOf(ParseIndexRange("0", "9223372036854775808")), kErrNotInteger);
}

// A reference written position by position: byte p is in the answer when it lies
// between the normalized bounds.
std::string NaiveRange(const std::string& value, int64_t start, int64_t end) {
  int64_t n = static_cast<int64_t>(value.size());
  if (start < 0 && end < 0 && start > end) return "";
  int64_t from = start < 0 ? std::max<int64_t>(n + start, 0) : start;
  int64_t to = end < 0 ? std::max<int64_t>(n + end, 0) : end;
  std::string out;
  for (int64_t p = 0; p < n; ++p) {
    if (p >= from && p <= to) out += value[static_cast<size_t>(p)];
  }
  return out;
}

TEST(GetRangeTest, MatchesANaiveSliceOnRandomInputs) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 50000; ++i) {
    std::string value(rng() % 12, '\0');
    for (char& c : value) c = static_cast<char>(rng());
    auto index = [&]() -> int64_t {
      if (rng() % 16 == 0) return rng() % 2 ? INT64_MAX : INT64_MIN;
      return static_cast<int64_t>(rng() % 31) - 15;
    };
    int64_t start = index();
    int64_t end = index();
    EXPECT_EQ(Range(value, start, end), NaiveRange(value, start, end))
        << value.size() << " " << start << " " << end;
  }
}

TEST(SetRangeTest, MatchesByteWritesOnRandomInputs) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    std::optional<std::string> current;
    if (rng() % 4 != 0) current = std::string(rng() % 10, 'a' + static_cast<char>(rng() % 26));
    std::string bytes(rng() % 5, 'A' + static_cast<char>(rng() % 26));
    int64_t offset = static_cast<int64_t>(rng() % 16);
    auto result = SetRange(current, offset, bytes);
    ASSERT_TRUE(result.ok());
    std::string expected = current.value_or("");
    if (bytes.empty()) {
      EXPECT_FALSE(result->value.has_value());
    } else {
      for (size_t k = 0; k < bytes.size(); ++k) {
        size_t at = static_cast<size_t>(offset) + k;
        if (expected.size() <= at) expected.resize(at + 1, '\0');
        expected[at] = bytes[k];
      }
      ASSERT_TRUE(result->value.has_value());
      EXPECT_EQ(*result->value, expected);
    }
    EXPECT_EQ(result->length, static_cast<int64_t>(expected.size()));
  }
}

TEST(StringEncodingTest, NamesWhatSetWouldGive) {
  EXPECT_EQ(StringEncodingOf("0"), kEncodingInt);
  EXPECT_EQ(StringEncodingOf("-9223372036854775808"), kEncodingInt);
  EXPECT_EQ(StringEncodingOf("9223372036854775807"), kEncodingInt);
  EXPECT_EQ(StringEncodingOf("9223372036854775808"), kEncodingEmbstr) << "past int64";
  EXPECT_EQ(StringEncodingOf("+1"), kEncodingEmbstr);
  EXPECT_EQ(StringEncodingOf(" 1"), kEncodingEmbstr);
  EXPECT_EQ(StringEncodingOf("-0"), kEncodingEmbstr);
  EXPECT_EQ(StringEncodingOf(""), kEncodingEmbstr);
  EXPECT_EQ(StringEncodingOf(std::string(44, '7')), kEncodingEmbstr) << "too long for an int";
  EXPECT_EQ(StringEncodingOf(std::string(45, 'x')), kEncodingRaw);
}

}  // namespace
}  // namespace ferrite
