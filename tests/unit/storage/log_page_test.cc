#include "storage/log_page.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace ferrite {
namespace {

constexpr size_t kPageSize = 4096;
constexpr uint32_t kPageBits = 12;

// A page with `count` records key<i> -> value<i>, each linked to the one before.
struct TestPage {
  std::vector<std::byte> bytes = std::vector<std::byte>(kPageSize, std::byte{0x5A});
  uint32_t used = kPageHeaderSize;
  std::vector<LogAddress> addresses;

  void Add(uint64_t page_number, const std::string& key, const std::string& value) {
    LogAddress previous = addresses.empty() ? kInvalidAddress : addresses.back();
    auto written = WriteRecord(std::span(bytes).subspan(used), previous, key, value);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    addresses.push_back(PageStart(page_number, kPageBits) + used);
    used += static_cast<uint32_t>(*written);
  }
  std::span<std::byte> span() { return bytes; }
};

TestPage MakePage(uint64_t page_number, int count) {
  TestPage page;
  for (int i = 0; i < count; ++i) {
    page.Add(page_number, "key" + std::to_string(i), "value" + std::to_string(i));
  }
  EXPECT_TRUE(SealPage(page.span(), page_number, page.used).ok());
  return page;
}

template <typename T>
void Poke(std::vector<std::byte>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(value));
}

TEST(LogPageTest, SealWritesHeader) {
  TestPage page = MakePage(7, 3);
  PageHeader header = ReadPageHeader(page.span());
  EXPECT_EQ(header.magic, kLogPageMagic);
  EXPECT_EQ(std::memcmp(page.bytes.data(), "FRTLOGPG", 8), 0);
  EXPECT_EQ(header.format_version, kLogPageFormatVersion);
  EXPECT_EQ(header.page_number, 7u);
  EXPECT_EQ(header.used_length, page.used);
  EXPECT_EQ(header.checksum, ComputePageChecksum(page.span(), page.used));
  // The reserved header bytes and the unused tail are zero.
  for (size_t i = kPageChecksumEnd; i < kPageHeaderSize; ++i)
    EXPECT_EQ(page.bytes[i], std::byte{0});
  for (size_t i = page.used; i < kPageSize; ++i) ASSERT_EQ(page.bytes[i], std::byte{0});
  EXPECT_TRUE(VerifyPage(page.span(), 7).ok());
}

TEST(LogPageTest, SealRejectsBadArguments) {
  std::vector<std::byte> page(kPageSize);
  EXPECT_FALSE(SealPage(page, 1, kPageHeaderSize - 1).ok());
  EXPECT_FALSE(SealPage(page, 1, kPageSize + 1).ok());
  std::vector<std::byte> odd(5000);
  EXPECT_FALSE(SealPage(odd, 1, kPageHeaderSize).ok());
  EXPECT_TRUE(SealPage(page, 1, kPageHeaderSize).ok());  // an empty page
  EXPECT_TRUE(SealPage(page, 1, kPageSize).ok());        // a full one
}

TEST(LogPageTest, IndexBucketBitsAreSealedAndChecked) {
  TestPage page;
  page.Add(4, "k", "v");
  ASSERT_TRUE(SealPage(page.span(), 4, page.used, 21).ok());
  EXPECT_EQ(ReadPageHeader(page.span()).index_bucket_bits, 21u);
  EXPECT_TRUE(VerifyPage(page.span(), 4).ok());
  EXPECT_EQ(SealPage(page.span(), 4, page.used, 64).code(), StatusCode::kInvalidArgument);
  // A value no writer of this format produces, under a valid checksum: a newer writer.
  Poke(page.bytes, kPageIndexBitsOffset, uint32_t{99});
  Poke(page.bytes, kPageChecksumOffset, ComputePageChecksum(page.span(), page.used));
  EXPECT_EQ(VerifyPage(page.span(), 4).code(), StatusCode::kNotSupported);
}

TEST(LogPageTest, UnwrittenPageIsNotFound) {
  std::vector<std::byte> page(kPageSize);
  EXPECT_TRUE(IsUnwrittenPage(page));
  Status status = VerifyPage(page, 3);
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  page[kPageSize - 1] = std::byte{1};
  EXPECT_FALSE(IsUnwrittenPage(page));
  status = VerifyPage(page, 3);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("bad magic"), std::string_view::npos) << status.ToString();
}

TEST(LogPageTest, DetectsWrongPageNumber) {
  TestPage page = MakePage(7, 2);
  Status status = VerifyPage(page.span(), 8);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("wrong page number 7"), std::string_view::npos)
      << status.ToString();
}

TEST(LogPageTest, DetectsUsedLengthOutOfRange) {
  for (uint32_t used : {uint32_t{0}, uint32_t{63}, uint32_t{kPageSize + 1}, ~uint32_t{0}}) {
    TestPage page = MakePage(1, 2);
    Poke(page.bytes, kPageUsedLengthOffset, used);
    Status status = VerifyPage(page.span(), 1);
    EXPECT_EQ(status.code(), StatusCode::kCorruption);
    EXPECT_NE(status.message().find("used length"), std::string_view::npos) << status.ToString();
  }
}

TEST(LogPageTest, DetectsEveryFlippedByte) {
  TestPage page = MakePage(2, 5);
  for (size_t i = 0; i < page.used; ++i) {
    std::vector<std::byte> copy = page.bytes;
    copy[i] ^= std::byte{0x10};
    Status status = VerifyPage(copy, 2);
    EXPECT_FALSE(status.ok()) << "byte " << i;
  }
  // A byte after the used length is not covered: it is not part of the page's data.
  std::vector<std::byte> copy = page.bytes;
  copy[page.used + 1] ^= std::byte{1};
  EXPECT_TRUE(VerifyPage(copy, 2).ok());
}

TEST(LogPageTest, ChecksumMismatchIsNamed) {
  TestPage page = MakePage(2, 5);
  page.bytes[kPageHeaderSize + 20] ^= std::byte{0xFF};
  Status status = VerifyPage(page.span(), 2);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("checksum mismatch"), std::string_view::npos);
}

TEST(LogPageTest, UnknownFormatVersion) {
  TestPage page = MakePage(2, 1);
  Poke(page.bytes, kPageVersionOffset, uint32_t{9});
  EXPECT_EQ(VerifyPage(page.span(), 2).code(), StatusCode::kNotSupported);
}

TEST(LogPageTest, TornPageIsCorrupt) {
  TestPage page = MakePage(4, 100);
  ASSERT_GT(page.used, 2048u);
  std::vector<std::byte> torn(kPageSize);
  std::memcpy(torn.data(), page.bytes.data(), 2048);  // the rest never reached the disk
  EXPECT_EQ(VerifyPage(torn, 4).code(), StatusCode::kCorruption);
}

TEST(PageRecordIteratorTest, YieldsRecordsWithAddresses) {
  constexpr uint64_t kPageNumber = 9;
  TestPage page = MakePage(kPageNumber, 10);
  ASSERT_TRUE(VerifyPage(page.span(), kPageNumber).ok());
  int count = 0;
  PageRecordIterator it(page.span(), PageStart(kPageNumber, kPageBits));
  for (; it.Valid(); it.Next()) {
    EXPECT_EQ(it.address(), page.addresses[count]);
    EXPECT_EQ(it.record().key(), "key" + std::to_string(count));
    EXPECT_EQ(it.record().value(), "value" + std::to_string(count));
    EXPECT_EQ(it.record().previous_address(), count == 0 ? 0 : page.addresses[count - 1]);
    ++count;
  }
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  EXPECT_EQ(count, 10);
  EXPECT_EQ(it.address(), PageStart(kPageNumber, kPageBits) + page.used);
}

TEST(PageRecordIteratorTest, EmptyPage) {
  TestPage page = MakePage(0, 0);
  PageRecordIterator it(page.span(), 0);
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

TEST(PageRecordIteratorTest, FullPage) {
  TestPage page;
  std::string value(kPageSize - kPageHeaderSize - 16 - 1, 'v');
  page.Add(1, "k", value);
  ASSERT_EQ(page.used, kPageSize);
  ASSERT_TRUE(SealPage(page.span(), 1, page.used).ok());
  ASSERT_TRUE(VerifyPage(page.span(), 1).ok());
  PageRecordIterator it(page.span(), PageStart(1, kPageBits));
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.record().value(), value);
  it.Next();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

TEST(PageRecordIteratorTest, RejectsRecordRunningPastUsedLength) {
  TestPage page = MakePage(1, 3);
  // Re-seal with a used length that cuts the last record in half: the checksum is
  // valid, the record is not.
  uint32_t cut = page.used - 8;
  ASSERT_TRUE(SealPage(page.span(), 1, cut).ok());
  ASSERT_TRUE(VerifyPage(page.span(), 1).ok());
  int count = 0;
  PageRecordIterator it(page.span(), PageStart(1, kPageBits));
  for (; it.Valid(); it.Next()) ++count;
  EXPECT_EQ(count, 2);
  EXPECT_EQ(it.status().code(), StatusCode::kCorruption);
  EXPECT_NE(it.status().message().find("runs past"), std::string_view::npos)
      << it.status().ToString();
}

TEST(PageRecordIteratorTest, RejectsForwardLink) {
  TestPage page;
  auto written = WriteRecord(std::span(page.bytes).subspan(kPageHeaderSize),
                             PageStart(1, kPageBits) + 4000, "k", "v");
  ASSERT_TRUE(written.ok());
  ASSERT_TRUE(SealPage(page.span(), 1, static_cast<uint32_t>(kPageHeaderSize + *written)).ok());
  PageRecordIterator it(page.span(), PageStart(1, kPageBits));
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ferrite
