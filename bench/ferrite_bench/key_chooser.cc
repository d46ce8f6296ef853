#include "key_chooser.h"

namespace ferrite::bench {

std::string_view DistributionName(Distribution distribution) {
  return distribution == Distribution::kZipfian ? "zipfian" : "uniform";
}

std::optional<Distribution> DistributionFromName(std::string_view name) {
  if (name == "uniform") return Distribution::kUniform;
  if (name == "zipfian") return Distribution::kZipfian;
  return std::nullopt;
}

KeyChooser::KeyChooser(Distribution distribution, uint64_t keys)
    : distribution_(distribution), keys_(keys) {
  if (distribution == Distribution::kZipfian) {
    zipfian_ = std::make_unique<const ZipfianGenerator>(keys);
  }
}

}  // namespace ferrite::bench
