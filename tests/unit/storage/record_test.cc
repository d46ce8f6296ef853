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

void PutU32(std::vector<std::byte>& bytes, size_t offset, uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(value));
}

TEST(RecordTest, Sizes) {
  EXPECT_EQ(RecordSize(0, 0, false), 16u);
  EXPECT_EQ(RecordSize(0, 0, true), 24u);
  EXPECT_EQ(RecordSize(4, 4, false), 24u);
  EXPECT_EQ(RecordSize(4, 5, true), 32u);
  // 12 bytes of header and value length: a 14-byte key and a 100-byte value fill 128.
  EXPECT_EQ(RecordSize(14, 100, false), 128u);
  EXPECT_EQ(RecordSize(14, 100, true), 136u);
  // From 2047 bytes on, the key length takes 4 more bytes.
  EXPECT_EQ(RecordSize(2046, 2, false), 2064u);
  EXPECT_EQ(RecordSize(2047, 1, false), 2064u);
  EXPECT_EQ(RecordSize(2047, 2, false), 2072u);
  for (uint64_t k = 0; k < 20; ++k) {
    for (uint64_t v = 0; v < 20; ++v) EXPECT_EQ(RecordSize(k, v, false) % 8, 0u);
  }
}

TEST(RecordTest, HeaderWordLayout) {
  RecordHeader header = RecordHeader()
                            .with_previous_address(0x1234'5678'9ABC)
                            .with_tombstone(true)
                            .with_has_expiry(true)
                            .with_value_kind(ValueKind::kObject)
                            .with_key_length(14);
  EXPECT_EQ(header.word(),
            0x1234'5678'9ABCull | 1ull << 48 | 1ull << 50 | 1ull << 51 | 14ull << 53);
  EXPECT_EQ(header.previous_address(), 0x1234'5678'9ABCull);
  EXPECT_TRUE(header.tombstone());
  EXPECT_FALSE(header.invalid());
  header = header.with_invalid(true).with_tombstone(false).with_previous_address(7);
  EXPECT_TRUE(header.invalid());
  EXPECT_FALSE(header.tombstone());
  EXPECT_EQ(header.previous_address(), 7u);
  EXPECT_EQ(header.value_kind(), ValueKind::kObject);
  EXPECT_EQ(header.key_length_field(), 14u);
  EXPECT_FALSE(header.long_key());
  EXPECT_TRUE(header.with_key_length(5000).long_key());
  EXPECT_EQ(header.with_key_length(5000).previous_address(), 7u);
}

TEST(RecordTest, RoundTrip) {
  auto buffer = Buffer(256);
  auto written = WriteRecord(buffer, 4160, "key", "value");
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, RecordSize(3, 5, false));
  // Padding is zeroed, the bytes after the record are left alone.
  for (size_t i = 12 + 8; i < *written; ++i) EXPECT_EQ(buffer[i], std::byte{0});
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
  EXPECT_EQ(*written, 24u);
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
  std::string value(capacity - 12 - key.size(), 'v');
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

TEST(RecordTest, LongKeysRoundTrip) {
  for (size_t length : {size_t{2046}, size_t{2047}, size_t{2048}, size_t{70000}}) {
    SCOPED_TRACE(length);
    std::string key(length, 'k');
    key.back() = 'z';
    auto buffer = Buffer(RecordSize(length, 3, true));
    auto written = WriteRecord(buffer, 64, key, "abc", int64_t{99});
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    auto view = RecordView::Parse(buffer);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    EXPECT_EQ(view->key(), key);
    EXPECT_EQ(view->value(), "abc");
    EXPECT_EQ(view->expiry(), 99);
    EXPECT_EQ(view->header().long_key(), length >= 2047);
    auto extent = ParseRecordExtent(buffer);
    ASSERT_TRUE(extent.ok());
    EXPECT_EQ(extent->key_length, length);
    EXPECT_EQ(extent->size, *written);
  }
}

TEST(RecordTest, ParseRejectsLengthsPastTheEnd) {
  auto buffer = Buffer(64);
  ASSERT_TRUE(WriteRecord(buffer, 0, "key", "value").ok());  // 24 bytes
  EXPECT_TRUE(RecordView::Parse(std::span<const std::byte>(buffer).first(24)).ok());
  // Truncating into the padding or the value is caught.
  EXPECT_FALSE(RecordView::Parse(std::span<const std::byte>(buffer).first(23)).ok());
  EXPECT_FALSE(RecordView::Parse(std::span<const std::byte>(buffer).first(20)).ok());

  // Corrupt value lengths, up to the largest, never read past the 64 bytes.
  for (uint32_t value_length : {50u, 53u, 0xFFFF'FFFFu, 0x8000'0000u}) {
    PutU32(buffer, kRecordValueLengthOffset, value_length);
    auto view = RecordView::Parse(buffer);
    ASSERT_FALSE(view.ok());
    EXPECT_EQ(view.status().code(), StatusCode::kCorruption);
    EXPECT_NE(view.status().message().find("runs past"), std::string_view::npos);
  }
  // And corrupt key lengths, in the header or in the long-key field.
  PutU32(buffer, kRecordValueLengthOffset, 0);
  PutWord(buffer, kRecordHeaderOffset, RecordHeader().with_key_length(60).word());
  EXPECT_FALSE(RecordView::Parse(buffer).ok());
  PutWord(buffer, kRecordHeaderOffset, RecordHeader().with_key_length(48).word());
  EXPECT_TRUE(RecordView::Parse(buffer).ok());  // 12 + 48 = 60 bytes, padded to 64
  PutWord(buffer, kRecordHeaderOffset, RecordHeader().with_key_length(5000).word());
  PutU32(buffer, kRecordLongKeyLengthOffset, 0xFFFF'FFFF);
  EXPECT_FALSE(RecordView::Parse(buffer).ok());
  // A long-key field holding a length that fits the header: no writer makes that.
  PutU32(buffer, kRecordLongKeyLengthOffset, 10);
  EXPECT_EQ(RecordView::Parse(buffer).status().code(), StatusCode::kCorruption);
  // The expiry counts: a record with has-expiry needs 8 more bytes.
  PutWord(buffer, kRecordHeaderOffset,
          RecordHeader().with_has_expiry(true).with_key_length(44).word());
  EXPECT_TRUE(RecordView::Parse(std::span<const std::byte>(buffer).first(64)).ok());
  PutWord(buffer, kRecordHeaderOffset,
          RecordHeader().with_has_expiry(true).with_key_length(45).word());
  EXPECT_FALSE(RecordView::Parse(std::span<const std::byte>(buffer).first(64)).ok());
}

TEST(RecordTest, ParseRejectsUnknownKind) {
  auto buffer = Buffer(64);
  ASSERT_TRUE(WriteRecord(buffer, 0, "k", "v").ok());
  const uint64_t header = RecordHeader().with_key_length(1).word();
  PutWord(buffer, kRecordHeaderOffset, header | uint64_t{2} << RecordHeader::kValueKindShift);
  EXPECT_EQ(RecordView::Parse(buffer).status().code(), StatusCode::kCorruption);
  PutWord(buffer, kRecordHeaderOffset, header | uint64_t{1} << RecordHeader::kValueKindShift);
  EXPECT_TRUE(RecordView::Parse(buffer).ok());
}

}  // namespace
}  // namespace ferrite
