// Exact random draws for the latent-class sampler, written for speed: the standard library's
// gamma, binomial and Poisson distributions rebuild their set-up on every call with new
// parameters and dominated the sampler's time (docs/estimate.md, "Speed").
//
//   RandomDraws r(seed);
//   double g = r.gamma(3.5);  uint64_t x = r.binomial(1000, 0.01);  double b = r.beta(2, 5);
//
// Methods: xoshiro256++ bits; a 256-layer ziggurat for the normal (Marsaglia & Tsang 2000);
// gamma by Marsaglia & Tsang (2000) with the shape-below-one boost; binomial by inversion when
// n·min(p, 1−p) < 10 and by BTRD (Hörmann 1993) above; Poisson by inversion below mean 10 and by
// PTRS (Hörmann 1993) above. Each draw is exact: rejection steps decide with the true density.
#pragma once

#include <cmath>
#include <cstdint>

namespace athar::estimate {

// log Γ(x) for x > 0, within 3e-14 (absolute where |log Γ(x)| < 1, else relative): Stirling's
// series to x^-9 from 10 up, shifted there by Γ(x + 1) = x Γ(x) below. Unlike std::lgamma it
// writes no global (signgam), so chains on several threads may call it; inlined, it costs less.
inline double log_gamma(double x) {
  double shift = 0;  // log of x (x + 1) … up to 10
  if (x < 10) {
    double product = 1;
    for (; x < 10; x += 1) product *= x;
    shift = std::log(product);
  }
  const double inverse = 1 / x, inverse_squared = inverse * inverse;
  const double series =
      inverse *
      (1.0 / 12 - inverse_squared *
                      (1.0 / 360 -
                       inverse_squared *
                           (1.0 / 1260 - inverse_squared * (1.0 / 1680 - inverse_squared / 1188))));
  return (x - 0.5) * std::log(x) - x + 0.918938533204672741780 + series - shift;
}

class RandomDraws {
 public:
  explicit RandomDraws(uint64_t seed);

  uint64_t bits() {
    const uint64_t result = rotl(state_[0] + state_[3], 23) + state_[0];
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform on the open interval (0, 1), safe to take the logarithm of.
  double uniform() { return (static_cast<double>(bits() >> 11) + 0.5) * 0x1.0p-53; }
  double exponential() { return -std::log(uniform()); }
  double normal();
  double gamma(double shape);  // scale 1
  double beta(double a, double b);
  uint64_t binomial(uint64_t n, double p) {
    if (n == 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    const bool flip = p > 0.5;
    const double q = flip ? 1 - p : p, mean = static_cast<double>(n) * q;
    uint64_t x;
    if (mean < 10) {
      // Most draws for a rare class are 0, decided here without a logarithm:
      // P(0) = (1 − q)^n ≥ 1 − n·q.
      const double u = uniform();
      x = u <= 1 - mean ? 0 : binomial_inversion(n, q, u);
    } else {
      x = binomial_btrd(n, q);
    }
    return flip ? n - x : x;
  }
  uint64_t poisson(double mean);
  // Failures before `successes` successes with success probability p.
  uint64_t negative_binomial(uint64_t successes, double p);

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double normal_tail(bool negative);
  uint64_t binomial_inversion(uint64_t n, double p, double u);
  uint64_t binomial_btrd(uint64_t n, double p);
  uint64_t poisson_ptrs(double mean);
  uint64_t state_[4];
};

}  // namespace athar::estimate
