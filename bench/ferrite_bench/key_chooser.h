// Which key a read asks for next: uniform over the key space, or Zipfian (see
// zipfian_generator.h). Shared by every queue slot; each slot draws with its own
// SplitMix64, so choosing needs no lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "util/split_mix64.h"
#include "zipfian_generator.h"

namespace ferrite::bench {

enum class Distribution : uint8_t { kUniform, kZipfian };

std::string_view DistributionName(Distribution distribution);
std::optional<Distribution> DistributionFromName(std::string_view name);

class KeyChooser {
 public:
  // REQUIRES: keys >= 2
  KeyChooser(Distribution distribution, uint64_t keys);

  uint64_t Next(SplitMix64& random) const {
    return zipfian_ ? zipfian_->Next(random) : random.Below(keys_);
  }

  Distribution distribution() const { return distribution_; }

 private:
  Distribution distribution_;
  uint64_t keys_;
  std::unique_ptr<const ZipfianGenerator> zipfian_;  // kZipfian only
};

}  // namespace ferrite::bench
