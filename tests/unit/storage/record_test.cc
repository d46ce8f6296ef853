#include "storage/record.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "storage/log_page.h"

namespace ferrite {
namespace {

using namespace std::string_literals;

std::vector<std::byte> Buffer(size_t size) { return std::vector<std::byte>(size, std::byte{0xAB}); }

void PutWord(std::vector<std::byte>& bytes, size_t offset, uint64_t word) {
  std::memcpy(bytes.data() + offset, &word, sizeof(word));
}

TEST(RecordTest, Sizes) {
  EXPECT_EQ(RecordSize(0, 0, false), 16u);
  EXPECT_EQ(RecordSize(0, 0, true), 24u);
  EXPECT_EQ(RecordSize(1, 1, false), 24u);
  EXPECT_EQ(RecordSize(4, 4, false), 24u);
  EXPECT_EQ(RecordSize(4, 5, false), 32u);
  EXPECT_EQ(RecordSize(4, 5, true), 40u);
  for (uint64_t k = 0; k < 20; ++k) {
    for (uint64_t v = 0; v < 20; ++v) EXPECT_EQ(RecordSize(k, v, false) % 8, 0u);
  }
}

TEST(RecordTest, HeaderWordLayout) {
  RecordHeader header = RecordHeader()
                            .with_previous_address(0x1234'5678'9ABC)
                            .with_tombstone(true)
                            .with_has_expiry(true)
                            .with_value_kind(ValueKind::kObject);
  EXPECT_EQ(header.word(), 0x1234'5678'9ABCull | 1ull << 48 | 1ull << 50 | 1ull << 51);
  EXPECT_EQ(header.previous_address(), 0x1234'5678'9ABCull);
  EXPECT_TRUE(header.tombstone());
  EXPECT_FALSE(header.invalid());
  header = header.with_invalid(true).with_tombstone(false).with_previous_address(7);
  EXPECT_TRUE(header.invalid());
  EXPECT_FALSE(header.tombstone());
  EXPECT_EQ(header.previous_address(), 7u);
  EXPECT_EQ(header.value_kind(), ValueKind::kObject);
  EXPECT_TRUE(header.reserved_bits_clear());
  EXPECT_EQ(RecordLengths(0xFFFF'FFFF, 2).word(), 0x0000'0002'FFFF'FFFFull);
}

TEST(RecordTest, RoundTrip) {
  auto buffer = Buffer(256);
  auto written = WriteRecord(buffer, 4160, "key", "value");
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, RecordSize(3, 5, false));
  // Padding is zeroed, the bytes after the record are left alone.
  for (size_t i = 16 + 8; i < *written; ++i) EXPECT_EQ(buffer[i], std::byte{0});
  EXPECT_EQ(buffer[*written], std::byte{0xAB});

  auto view = RecordView::Parse(buffer);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->previous_address(), 4160u);
  EXPECT_EQ(view->key(), "key");
  EXPECT_EQ(view->value(), "value");
  EXPECT_FALSE(view->tombstone());
  EXPECT_FALSE(view->invalid());
  EXPECT_FALSE(view->has_expiry());
  EXPECT_EQ(view->expiry(), std::nullopt);
  EXPECT_EQ(view->value_kind(), ValueKind::kBytes);
  EXPECT_EQ(view->size(), *written);
}

TEST(RecordTest, FlagsAndExpiry) {
  auto buffer = Buffer(256);
  RecordFlags flags{.tombstone = true, .invalid = true, .value_kind = ValueKind::kObject};
  auto written = WriteRecord(buffer, kMaxAddress, "k", "", int64_t{-5}, flags);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 32u);
  auto view = RecordView::Parse(buffer);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_TRUE(view->tombstone());
  EXPECT_TRUE(view->invalid());
  EXPECT_TRUE(view->has_expiry());
  EXPECT_EQ(view->expiry(), -5);
  EXPECT_EQ(view->value_kind(), ValueKind::kObject);
  EXPECT_EQ(view->previous_address(), kMaxAddress);
  EXPECT_EQ(view->key(), "k");
  EXPECT_EQ(view->value(), "");

  ASSERT_TRUE(WriteRecord(buffer, 0, "k", "v", int64_t{1'700'000'000'000}).ok());
  view = RecordView::Parse(buffer);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->expiry(), 1'700'000'000'000);
  EXPECT_FALSE(view->tombstone());
}

TEST(RecordTest, BinaryKeysAndValues) {
  std::string key = "a\0b\r\nc"s;
  std::string value = "\r\n\0\0\xff\x80"s;
  auto buffer = Buffer(128);
  ASSERT_TRUE(WriteRecord(buffer, 0, key, value).ok());
  auto view = RecordView::Parse(buffer);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->key(), key);
  EXPECT_EQ(view->value(), value);
  EXPECT_EQ(view->key_length(), 6u);
  EXPECT_EQ(view->value_length(), 6u);
}

TEST(RecordTest, EmptyKeyAndValue) {
  auto buffer = Buffer(16);
  auto written = WriteRecord(buffer, 0, "", "");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 16u);
  auto view = RecordView::Parse(buffer);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->key(), "");
  EXPECT_EQ(view->value(), "");
}

TEST(RecordTest, LargestRecordFillsAPage) {
  constexpr size_t kPage = 4096;
  const uint64_t capacity = MaxRecordSizeInPage(kPage);
  std::string key(100, 'k');
  std::string value(capacity - 16 - key.size(), 'v');
  ASSERT_EQ(RecordSize(key.size(), value.size(), false), capacity);
  auto buffer = Buffer(capacity);
  auto written = WriteRecord(buffer, 0, key, value);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, capacity);
  auto view = RecordView::Parse(buffer);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->value(), value);

  // One byte more does not fit, and nothing is written.
  auto small = Buffer(capacity);
  auto too_big = WriteRecord(small, 0, key, value + "x");
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(small[0], std::byte{0xAB});
}

TEST(RecordTest, WriterRejectsBadArguments) {
  auto buffer = Buffer(64);
  EXPECT_FALSE(WriteRecord(buffer, kMaxAddress + 1, "k", "v").ok());
  EXPECT_FALSE(WriteRecord(std::span<std::byte>(buffer).first(15), 0, "", "").ok());
}

TEST(RecordTest, ParseRejectsShortHeader) {
  auto buffer = Buffer(64);
  ASSERT_TRUE(WriteRecord(buffer, 0, "", "").ok());
  for (size_t size = 0; size < 16; ++size) {
    auto view = RecordView::Parse(std::span<const std::byte>(buffer).first(size));
    ASSERT_FALSE(view.ok());
    EXPECT_EQ(view.status().code(), StatusCode::kCorruption);
  }
}

TEST(RecordTest, ParseRejectsLengthsPastTheEnd) {
  auto buffer = Buffer(64);
  ASSERT_TRUE(WriteRecord(buffer, 0, "key", "value").ok());  // 24 bytes
  EXPECT_TRUE(RecordView::Parse(std::span<const std::byte>(buffer).first(24)).ok());
  // Truncating into the padding or the value is caught.
  EXPECT_FALSE(RecordView::Parse(std::span<const std::byte>(buffer).first(23)).ok());
  EXPECT_FALSE(RecordView::Parse(std::span<const std::byte>(buffer).first(20)).ok());

  // Corrupt lengths, up to the largest, never read past the 64 bytes.
  for (uint64_t lengths : {RecordLengths(49, 0).word(), RecordLengths(0, 49).word(),
                           RecordLengths(0xFFFF'FFFF, 0xFFFF'FFFF).word(),
                           RecordLengths(0x8000'0000, 0x8000'0000).word()}) {
    PutWord(buffer, kRecordLengthsOffset, lengths);
    auto view = RecordView::Parse(buffer);
    ASSERT_FALSE(view.ok());
    EXPECT_EQ(view.status().code(), StatusCode::kCorruption);
    EXPECT_NE(view.status().message().find("runs past"), std::string_view::npos);
  }
  // The expiry word counts: a record with has-expiry needs 8 more bytes.
  PutWord(buffer, kRecordHeaderOffset, RecordHeader().with_has_expiry(true).word());
  PutWord(buffer, kRecordLengthsOffset, RecordLengths(40, 0).word());
  EXPECT_TRUE(RecordView::Parse(std::span<const std::byte>(buffer).first(64)).ok());
  PutWord(buffer, kRecordLengthsOffset, RecordLengths(41, 0).word());
  EXPECT_FALSE(RecordView::Parse(std::span<const std::byte>(buffer).first(64)).ok());
}

TEST(RecordTest, ParseRejectsReservedBitsAndUnknownKind) {
  auto buffer = Buffer(64);
  ASSERT_TRUE(WriteRecord(buffer, 0, "k", "v").ok());
  PutWord(buffer, kRecordHeaderOffset, uint64_t{1} << 60);
  EXPECT_EQ(RecordView::Parse(buffer).status().code(), StatusCode::kCorruption);
  PutWord(buffer, kRecordHeaderOffset, uint64_t{2} << RecordHeader::kValueKindShift);
  EXPECT_EQ(RecordView::Parse(buffer).status().code(), StatusCode::kCorruption);
  PutWord(buffer, kRecordHeaderOffset, uint64_t{1} << RecordHeader::kValueKindShift);
  EXPECT_TRUE(RecordView::Parse(buffer).ok());
}

}  // namespace
}  // namespace ferrite
