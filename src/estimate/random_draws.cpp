#include "estimate/random_draws.h"

#include <algorithm>
#include <array>

namespace athar::estimate {

namespace {

// The ziggurat's layers for the half-normal f(x) = exp(−x²/2): 256 layers of equal area,
// layer 0 the base strip plus the tail beyond r (Marsaglia & Tsang 2000).
struct Ziggurat {
  static constexpr int kLayers = 256;
  static constexpr double kTailStart = 3.6541528853610088;
  static constexpr double kLayerArea = 0.00492867323399;
  std::array<double, kLayers + 1> right{};   // right[i]: the layer's width; right[256] = 0
  std::array<double, kLayers + 1> height{};  // f(right[i])
  std::array<double, kLayers> inside{};      // right[i + 1] / right[i]: wholly under the curve
  Ziggurat() {
    const auto f = [](double x) { return std::exp(-0.5 * x * x); };
    right[0] = kLayerArea / f(kTailStart);
    right[1] = kTailStart;
    for (int i = 1; i < kLayers - 1; ++i)
      right[i + 1] = std::sqrt(-2 * std::log(f(right[i]) + kLayerArea / right[i]));
    right[kLayers] = 0;
    for (int i = 0; i <= kLayers; ++i) height[i] = f(right[i]);
    for (int i = 0; i < kLayers; ++i) inside[i] = right[i + 1] / right[i];
  }
};

// Built before main; the sampler reads it without a guard on every normal draw.
const Ziggurat kZiggurat;

// 1/x for the inversion searches' first steps, so that a step multiplies instead of divides.
struct Reciprocals {
  static constexpr int kSize = 128;
  std::array<double, kSize> value{};
  Reciprocals() {
    for (int x = 1; x < kSize; ++x) value[x] = 1.0 / x;
  }
};
const Reciprocals kReciprocals;

double reciprocal(uint64_t x) {
  return x < Reciprocals::kSize ? kReciprocals.value[x] : 1.0 / static_cast<double>(x);
}

double log_factorial(uint64_t k) { return log_gamma(static_cast<double>(k) + 1); }

}  // namespace

RandomDraws::RandomDraws(uint64_t seed) {
  for (uint64_t& s : state_) {  // SplitMix64 spreads the seed over the state
    seed += 0x9e3779b97f4a7c15ULL;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    s = z ^ (z >> 31);
  }
}

double RandomDraws::normal() {
  const Ziggurat& z = kZiggurat;
  for (;;) {
    // Low 8 bits pick the layer; the top 53, as a signed number, the point across it.
    const uint64_t b = bits();
    const int layer = static_cast<int>(b & 255);
    const double u = (static_cast<double>(static_cast<int64_t>(b) >> 11) + 0.5) * 0x1.0p-52;
    const double x = u * z.right[layer];
    if (std::fabs(u) < z.inside[layer]) return x;
    if (layer == 0) return normal_tail(u < 0);
    const double y = z.height[layer] + uniform() * (z.height[layer + 1] - z.height[layer]);
    if (y < std::exp(-0.5 * x * x)) return x;
  }
}

double RandomDraws::normal_tail(bool negative) {
  constexpr double r = Ziggurat::kTailStart;
  double a, b;
  do {
    a = exponential() / r;
    b = exponential();
  } while (2 * b < a * a);
  return negative ? -(r + a) : r + a;
}

double RandomDraws::gamma(double shape) {
  if (shape < 1) return gamma(shape + 1) * std::exp(std::log(uniform()) / shape);
  if (shape == 1) return exponential();
  const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = uniform(), x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1 - v + std::log(v))) return d * v;
  }
}

double RandomDraws::beta(double a, double b) {
  if (a == 1 && b == 1) return uniform();
  if (a == 1) return -std::expm1(std::log(uniform()) / b);
  if (b == 1) return std::exp(std::log(uniform()) / a);
  const double x = gamma(a), y = gamma(b);
  return x / (x + y);
}

// Inversion by sequential search from 0 (n·p < 10, p ≤ 1/2), about n·p + 1 steps, for a
// uniform u that the caller's shortcut (u ≤ 1 − n·p means 0) did not decide.
uint64_t RandomDraws::binomial_inversion(uint64_t n, double p, double u) {
  const double ratio = p / (1 - p), scaled = (static_cast<double>(n) + 1) * ratio;
  // Beyond 64 lies less than 1e-25 of the mass when n·p < 10; a search that passes it has run
  // into rounding and starts again.
  const uint64_t bound = std::min<uint64_t>(n, 64);
  const double zero = std::exp(static_cast<double>(n) * std::log1p(-p));
  for (;; u = uniform()) {
    double probability = zero;
    uint64_t x = 0;
    while (u > probability) {
      u -= probability;
      if (++x > bound) break;
      probability *= scaled * reciprocal(x) - ratio;
    }
    if (x <= bound) return x;
  }
}

// BTRD: transformed rejection with decomposition (Hörmann 1993), n·p ≥ 10, p ≤ 1/2. The
// acceptance test compares with the exact ratio of probabilities f(k)/f(m), m the mode.
uint64_t RandomDraws::binomial_btrd(uint64_t n, double p) {
  const double nd = static_cast<double>(n), q = 1 - p;
  const double mode = std::floor((nd + 1) * p);
  const double ratio = p / q, scaled = (nd + 1) * ratio;
  const double npq = nd * p * q, spread = std::sqrt(npq);
  const double b = 1.15 + 2.53 * spread;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * spread;
  const double v_r = 0.92 - 4.2 / b, u_rv_r = 0.86 * v_r;
  for (;;) {
    double v = uniform(), u;
    if (v <= u_rv_r) {
      u = v / v_r - 0.43;
      return static_cast<uint64_t>(std::floor((2 * a / (0.5 - std::fabs(u)) + b) * u + c));
    }
    if (v >= v_r) {
      u = uniform() - 0.5;
    } else {
      u = v / v_r - 0.93;
      u = (u < 0 ? -0.5 : 0.5) - u;
      v = uniform() * v_r;
    }
    const double us = 0.5 - std::fabs(u);
    const double kd = std::floor((2 * a / us + b) * u + c);
    if (kd < 0 || kd > nd) continue;
    v = v * alpha / (a / (us * us) + b);
    const double km = std::fabs(kd - mode);
    if (km <= 15) {  // f(k)/f(m) by its recursion
      double f = 1;
      const auto k = static_cast<uint64_t>(kd), m = static_cast<uint64_t>(mode);
      if (m < k) {
        for (uint64_t i = m + 1; i <= k; ++i) f *= scaled * reciprocal(i) - ratio;
      } else {
        for (uint64_t i = k + 1; i <= m; ++i) v *= scaled * reciprocal(i) - ratio;
      }
      if (v <= f) return k;
      continue;
    }
    // Squeeze on log f(k)/f(m) around its normal approximation, then the exact value. The
    // lower bound fails far in the tails (|k − m| ≳ 0.86 n·p·q, checked over a grid of n, p), so
    // it is used only within half of that.
    const double log_v = std::log(v);
    const double rho = (km / npq) * (((km / 3 + 0.625) * km + 1.0 / 6) / npq + 0.5);
    const double t = -km * km / (2 * npq);
    if (km < 0.5 * npq && log_v < t - rho) return static_cast<uint64_t>(kd);
    if (log_v > t + rho) continue;
    const auto k = static_cast<uint64_t>(kd), m = static_cast<uint64_t>(mode);
    const double log_ratio = log_factorial(m) + log_factorial(n - m) - log_factorial(k) -
                             log_factorial(n - k) + (kd - mode) * std::log(ratio);
    if (log_v <= log_ratio) return k;
  }
}

uint64_t RandomDraws::poisson(double mean) {
  if (!(mean > 0)) return 0;
  if (mean >= 10) return poisson_ptrs(mean);
  const double zero = std::exp(-mean);
  const auto bound = static_cast<uint64_t>(mean + 12 * std::sqrt(mean + 1) + 1);
  for (;;) {
    double u = uniform(), probability = zero;
    uint64_t x = 0;
    while (u > probability) {
      u -= probability;
      if (++x > bound) break;
      probability *= mean * reciprocal(x);
    }
    if (x <= bound) return x;
  }
}

// PTRS: transformed rejection with squeeze (Hörmann 1993), mean ≥ 10.
uint64_t RandomDraws::poisson_ptrs(double mean) {
  const double spread = std::sqrt(mean), log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * spread;
  const double a = -0.059 + 0.02483 * b;
  const double inverse_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform() - 0.5, v = uniform();
    const double us = 0.5 - std::fabs(u);
    const double kd = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<uint64_t>(kd);
    if (kd < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inverse_alpha) - std::log(a / (us * us) + b) <=
        -mean + kd * log_mean - log_gamma(kd + 1))
      return static_cast<uint64_t>(kd);
  }
}

uint64_t RandomDraws::negative_binomial(uint64_t successes, double p) {
  if (successes == 0 || p >= 1) return 0;
  return poisson(gamma(static_cast<double>(successes)) * (1 - p) / p);
}

}  // namespace athar::estimate
