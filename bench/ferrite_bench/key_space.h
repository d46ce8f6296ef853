// The data set every mode reads and writes: key i is "key:" and i in 10 digits (14 bytes,
// so every key has the same length), and its value is a function of i alone. A reader
// can therefore check every value it gets without remembering what was written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ferrite::bench {

class KeySpace {
 public:
  static constexpr size_t kKeyBytes = 14;
  // Keys have 10 digits.
  static constexpr uint64_t kMaxKeys = 10'000'000'000;

  // REQUIRES: keys <= kMaxKeys
  KeySpace(uint64_t keys, size_t value_bytes) : keys_(keys), value_bytes_(value_bytes) {}

  uint64_t keys() const { return keys_; }
  size_t value_bytes() const { return value_bytes_; }

  // Writes key `index` into `out` (resized to kKeyBytes). REQUIRES: index < keys()
  void KeyOf(uint64_t index, std::string& out) const;
  // Writes the value of key `index` into `out` (resized to value_bytes()): printable
  // bytes drawn from a generator seeded with the index, so neighbouring keys differ in
  // every word.
  void ValueOf(uint64_t index, std::string& out) const;

  // Whether `value` is what key `index` was written with; `scratch` is reused between
  // calls so that checking allocates nothing.
  bool Matches(uint64_t index, std::string_view value, std::string& scratch) const;

 private:
  uint64_t keys_;
  size_t value_bytes_;
};

}  // namespace ferrite::bench
