#include "zipfian_generator.h"

#include <cmath>
#include <numeric>

namespace ferrite::bench {
namespace {

double Zeta(uint64_t n, double theta) {
  double sum = 0;
  for (uint64_t i = 1; i <= n; ++i) sum += 1.0 / std::pow(static_cast<double>(i), theta);
  return sum;
}

// An odd constant with well-mixed bits (2^64 / the golden ratio), reduced below n and
// moved to the next value coprime to n, so that the permutation is a bijection.
uint64_t CoprimeMultiplier(uint64_t n) {
  uint64_t m = 0x9e3779b97f4a7c15 % n;
  if (m < 2) m = 1;
  while (std::gcd(m, n) != 1) ++m;
  return m;
}

}  // namespace

ZipfianGenerator::ZipfianGenerator(uint64_t n, double theta)
    : n_(n),
      theta_(theta),
      zeta_n_(Zeta(n, theta)),
      alpha_(1.0 / (1.0 - theta)),
      half_pow_theta_(std::pow(0.5, theta)),
      multiplier_(CoprimeMultiplier(n)) {
  const double zeta_2 = 1.0 + half_pow_theta_;
  eta_ = (1.0 - std::pow(2.0 / static_cast<double>(n), 1.0 - theta)) / (1.0 - zeta_2 / zeta_n_);
}

uint64_t ZipfianGenerator::Rank(SplitMix64& random) const {
  const double u = random.NextDouble();
  const double uz = u * zeta_n_;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + half_pow_theta_) return 1;
  const auto rank =
      static_cast<uint64_t>(static_cast<double>(n_) * std::pow(eta_ * u - eta_ + 1.0, alpha_));
  return rank < n_ ? rank : n_ - 1;
}

}  // namespace ferrite::bench
