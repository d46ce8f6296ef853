// Replays the request-parser fuzzer's committed corpus (tests/fuzz/corpus/request_parser/)
// through the fuzz target's own property check, so that the ordinary gcc build keeps every
// input the fuzzer found interesting checked without clang or libFuzzer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/request_parser_check.h"

namespace ferrite::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpusDir = fs::path(FERRITE_SOURCE_DIR) / "tests/fuzz/corpus/request_parser";

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(kCorpusDir, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(RequestParserCorpusTest, CorpusIsPresent) {
  ASSERT_TRUE(fs::is_directory(kCorpusDir)) << kCorpusDir << " is missing";
  EXPECT_FALSE(CorpusFiles().empty()) << kCorpusDir << " holds no inputs";
}

TEST(RequestParserCorpusTest, EveryInputKeepsTheParserProperties) {
  const std::vector<fs::path> files = CorpusFiles();
  ASSERT_FALSE(files.empty()) << "no corpus in " << kCorpusDir;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    ASSERT_TRUE(in) << "cannot open " << file;
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(
        FindRequestParserViolation(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
        "")
        << "corpus input " << file.filename() << " (reproduce with "
        << "build-fuzz/tests/fuzz/request_parser_fuzz " << file << ")";
  }
}

}  // namespace
}  // namespace ferrite::fuzz
