#include "key_space.h"

#include <cstring>

#include "util/split_mix64.h"

namespace ferrite::bench {

void KeySpace::KeyOf(uint64_t index, std::string& out) const {
  out.assign("key:0000000000");
  for (size_t i = kKeyBytes; index != 0; index /= 10) {
    out[--i] = static_cast<char>('0' + index % 10);
  }
}

void KeySpace::ValueOf(uint64_t index, std::string& out) const {
  out.resize(value_bytes_);
  // A fixed odd multiplier keeps the seeds of neighbouring keys far apart.
  SplitMix64 random(index * 0xd1342543de82ef95 + 1);
  for (size_t i = 0; i < value_bytes_; i += 8) {
    uint64_t word = random.Next();
    for (size_t j = i; j < i + 8 && j < value_bytes_; ++j, word >>= 8) {
      out[j] = static_cast<char>('!' + (word & 0xFF) % 94);  // '!'..'~'
    }
  }
}

bool KeySpace::Matches(uint64_t index, std::string_view value, std::string& scratch) const {
  ValueOf(index, scratch);
  return value == scratch;
}

}  // namespace ferrite::bench
