#include "kinship/screening.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

#include "core/error.h"
#include "core/parallel.h"
#include "core/text.h"
#include "kinship/internal/genotypes.h"

namespace athar::kinship {

namespace {

int rank_of(const Marker& m, Allele a) {
  const auto it = std::lower_bound(m.alleles.begin(), m.alleles.end(), a);
  return it != m.alleles.end() && *it == a ? static_cast<int>(it - m.alleles.begin()) : -1;
}

}  // namespace

ScreeningIndex::ScreeningIndex(const FrequencyTable& table, const std::vector<Family>& families,
                               unsigned threads, const MutationModel& mutation,
                               const core::Progress& progress)
    : table_(table) {
  const size_t markers = table.size();
  if (markers > 64) throw core::Unavailable("screening handles at most 64 markers");
  for (size_t m = 0; m < markers; ++m) {
    if (table.marker(m).alleles.size() > 64) {
      throw core::Unavailable("screening handles at most 64 alleles a marker; " +
                              table.marker(m).name + " has " +
                              std::to_string(table.marker(m).alleles.size()));
    }
  }
  for (uint32_t f = 0; f < families.size(); ++f) {
    for (size_t member : families[f].missing())
      targets_.push_back({f, static_cast<uint32_t>(member)});
  }
  // Tabulate every family (the expensive part) on all cores, then lay the tables out.
  std::vector<std::optional<MissingPersonLikelihood>> built(targets_.size());
  std::vector<std::exception_ptr> errors(targets_.size());
  core::parallel_chunks(
      core::thread_count(threads), targets_.size(),
      [&](unsigned, size_t t) {
        try {
          built[t].emplace(table, families[targets_[t].family], targets_[t].member, mutation);
        } catch (...) {
          errors[t] = std::current_exception();
        }
      },
      progress, "tabulating families");
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  entries_.resize(targets_.size() * markers);
  informative_.assign(targets_.size(), 0);
  for (size_t t = 0; t < targets_.size(); ++t) {
    likelihoods_.push_back(std::move(*built[t]));
    const MissingPersonLikelihood& l = likelihoods_.back();
    for (size_t m = 0; m < markers; ++m) {
      const auto& mt = l.marker_table(m);
      MarkerEntry& e = entries_[t * markers + m];
      e.offset = static_cast<uint32_t>(log10_lr_.size());
      if (!mt.informative) {
        e.width = 1;
        log10_lr_.push_back(0);
        continue;
      }
      informative_[t] |= uint64_t{1} << m;
      if (mutation.kind == MutationModel::Kind::kNone) {
        add_lumped_table(e, table.marker(m), m, mt);
      } else {
        add_bounded_table(e, table.marker(m), m, mt, families[targets_[t].family]);
      }
    }
  }
}

void ScreeningIndex::add_lumped_table(MarkerEntry& e, const Marker& marker, size_t m,
                                      const MissingPersonLikelihood::MarkerTable& mt) {
  std::vector<double> p;
  for (Allele a : mt.alleles) {
    const int rank = rank_of(marker, a);
    if (rank < 0) throw std::logic_error("a reference allele missing from the table");
    e.alleles |= uint64_t{1} << rank;
    p.push_back(table_.frequency(m, a));
  }
  const size_t k = mt.alleles.size() + 1;  // slot k − 1: every other allele
  const double po = mt.other_frequency;
  e.width = static_cast<uint8_t>(k);
  const size_t start = log10_lr_.size();
  log10_lr_.resize(start + k * k);
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i; j < k; ++j) {
      const double post = mt.posterior[i * k - i * (i - 1) / 2 + (j - i)];
      double lr = 0;
      if (j < k - 1) {  // both the family's alleles
        lr = post / (i == j ? p[i] * p[i] : 2 * p[i] * p[j]);
      } else if (po > 0) {
        lr = i < k - 1 ? post / (2 * p[i] * po) : post / (po * po);
      }
      const float v = lr > 0 ? static_cast<float>(std::log10(lr)) : -INFINITY;
      log10_lr_[start + i * k + j] = log10_lr_[start + j * k + i] = v;
    }
  }
}

// Under mutation every allele has its own LR, and a table over all of them (a thousand entries a
// marker) would not stay in cache at 50,000 families. The table keeps a slot for each allele of
// the family and each one a repeat or less from one; every other allele shares one slot holding
// the largest LR any of them gives (rounded up). So the screen's sum is an upper bound — it can
// only let more pairs through to the exact recomputation, never leave a candidate out.
void ScreeningIndex::add_bounded_table(MarkerEntry& e, const Marker& marker, size_t m,
                                       const MissingPersonLikelihood::MarkerTable& mt,
                                       const Family& family) {
  const size_t n = marker.alleles.size();
  if (mt.alleles.size() != n) throw std::logic_error("a mutation table lumps alleles");
  std::vector<Allele> family_alleles;
  for (const Member& member : family.members) {
    if (!member.typed() || !member.profile.markers[m].typed()) continue;
    family_alleles.push_back(member.profile.markers[m].a);
    family_alleles.push_back(member.profile.markers[m].b);
  }
  // slot[x]: allele x's slot, or `other` for the lumped ones.
  std::vector<uint8_t> slot(n);
  size_t slots = 0;
  for (size_t x = 0; x < n; ++x) {
    bool near = false;
    for (Allele a : family_alleles) near = near || std::abs(marker.alleles[x] - a) <= 10;
    if (near) {
      e.alleles |= uint64_t{1} << x;
      slot[x] = static_cast<uint8_t>(slots++);
    }
  }
  const size_t other = slots, k = slots + 1;
  for (size_t x = 0; x < n; ++x) {
    if (!(e.alleles >> x & 1)) slot[x] = static_cast<uint8_t>(other);
  }
  e.width = static_cast<uint8_t>(k);
  const size_t start = log10_lr_.size();
  log10_lr_.resize(start + k * k, -INFINITY);
  float* cells = log10_lr_.data() + start;
  const size_t full = n + 1;  // the tabulation's layout: every allele, then an empty "other"
  for (size_t x = 0; x < n; ++x) {
    const double px = marker.frequency[x];
    for (size_t y = x; y < n; ++y) {
      const double post = mt.posterior[x * full - x * (x - 1) / 2 + (y - x)];
      const double lr = post / (x == y ? px * px : 2 * px * marker.frequency[y]);
      // Rounded up to the next float, so that the bound stays a bound in single precision.
      float v = -INFINITY;
      if (lr > 0) {
        v = static_cast<float>(std::log10(lr));
        v = std::nextafter(v, INFINITY);
      }
      const size_t i = slot[x], j = slot[y];
      float& a = cells[i * k + j];
      a = std::max(a, v);
      cells[j * k + i] = a;
    }
  }
}

// The inner loop, tiled: a block of remains against a block of families, so that the families'
// tables stay in cache while every remains sample of the block passes over them.
struct Screener {
  const ScreeningIndex& index;
  struct Prepared {
    uint64_t typed = 0, exact = 0;       // markers seen; markers needing the exact (dropout) path
    std::vector<uint64_t> a_bit, b_bit;  // per marker: 1 << the rank of each allele
  };

  static Prepared prepare(const FrequencyTable& table, const Profile& r) {
    Prepared p;
    p.a_bit.assign(table.size(), 0);
    p.b_bit.assign(table.size(), 0);
    for (size_t m = 0; m < table.size(); ++m) {
      if (!r.markers[m].typed()) continue;
      const int a = rank_of(table.marker(m), r.markers[m].a);
      const int b = rank_of(table.marker(m), r.markers[m].b);
      if (a < 0 || b < 0) throw std::logic_error("a remains allele missing from the table");
      p.typed |= uint64_t{1} << m;
      p.a_bit[m] = uint64_t{1} << a;
      p.b_bit[m] = uint64_t{1} << b;
      if (r.dropout > 0 && a == b) p.exact |= uint64_t{1} << m;
    }
    return p;
  }

  double exact_log10(size_t target, size_t m, const Profile& r) const {
    double related = 0, unrelated = 0;
    for (const auto& g :
         kinship_internal::possible_genotypes(index.table_, m, r.markers[m], r.dropout)) {
      related += g.weight * index.likelihoods_[target].genotype_probability(m, g.a, g.b);
      unrelated += g.weight * (g.a == g.b ? g.pa * g.pa : 2 * g.pa * g.pb);
    }
    return related > 0 ? std::log10(related / unrelated) : -INFINITY;
  }

  // Sum of log10 LRs over the compared markers (−inf when a marker excludes). One look-up per
  // marker: each allele's slot is its rank among the family's alleles (a popcount) or "other".
  float compare(size_t target, const Prepared& r, const Profile& profile) const {
    const size_t markers = index.table_.size();
    uint64_t bits = r.typed & ~r.exact & index.informative_[target];
    float sum = 0;
    const ScreeningIndex::MarkerEntry* entries = &index.entries_[target * markers];
    const float* tables = index.log10_lr_.data();
    while (bits) {
      const int m = __builtin_ctzll(bits);
      bits &= bits - 1;
      const auto& e = entries[m];
      const uint64_t a = r.a_bit[m], b = r.b_bit[m];
      const uint32_t other = e.width - 1u;
      const uint32_t sa =
          e.alleles & a ? static_cast<uint32_t>(__builtin_popcountll(e.alleles & (a - 1))) : other;
      const uint32_t sb =
          e.alleles & b ? static_cast<uint32_t>(__builtin_popcountll(e.alleles & (b - 1))) : other;
      sum += tables[e.offset + sa * e.width + sb];
      if (sum == -INFINITY) return sum;  // excluded: the rest cannot matter
    }
    if (r.exact) {  // markers whose single allele may hide a dropped one: exactly, instead
      uint64_t exact = r.exact & index.informative_[target];
      while (exact) {
        const int m = __builtin_ctzll(exact);
        exact &= exact - 1;
        sum += static_cast<float>(exact_log10(target, static_cast<size_t>(m), profile));
      }
    }
    return sum;
  }
};

double posterior_probability(double log10_lr, double prior) {
  if (!(prior > 0 && prior < 1))
    throw core::InputError("screening", "prior", core::shortest_number(prior), "in (0, 1)");
  if (log10_lr == -INFINITY) return 0;
  // LR·π / (LR·π + 1 − π) = 1 / (1 + (1 − π) / (π · LR)), the ratio taken in logs.
  const double log10_odds_against = std::log10(1 - prior) - std::log10(prior) - log10_lr;
  return 1 / (1 + std::pow(10.0, log10_odds_against));
}

ScreeningResult screen(const ScreeningIndex& index, const std::vector<Profile>& remains,
                       const ScreeningOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ScreeningResult result;
  result.threads = core::thread_count(options.threads);
  const size_t targets = index.targets().size();
  if (options.prior != 0 && !(options.prior > 0 && options.prior < 1))
    throw core::InputError("screening", "prior", core::shortest_number(options.prior), "in (0, 1)");
  if (!(options.threshold >= 0))
    throw core::InputError("screening", "threshold", core::shortest_number(options.threshold),
                           "a likelihood ratio, 0 or more");
  result.prior = options.prior > 0 ? options.prior : 1.0 / static_cast<double>(targets + 1);
  const double threshold = options.threshold > 0 ? std::log10(options.threshold) : -INFINITY;
  // The tables hold single-precision log10 LRs: a pair within this of the threshold is
  // recomputed exactly before it is kept or left (23 markers' rounding is about 1e-5).
  const float table_threshold = static_cast<float>(threshold - 1e-3);
  const Screener screener{index};
  std::vector<Screener::Prepared> prepared;
  for (const Profile& r : remains) prepared.push_back(Screener::prepare(index.table(), r));
  constexpr size_t kRemainsBlock = 64, kTargetBlock = 256;
  const size_t remains_blocks = (remains.size() + kRemainsBlock - 1) / kRemainsBlock;
  const size_t target_blocks = (targets + kTargetBlock - 1) / kTargetBlock;
  std::vector<std::vector<ScreeningCandidate>> found(result.threads);
  core::parallel_chunks(
      result.threads, remains_blocks * target_blocks,
      [&](unsigned thread, size_t tile) {
        const size_t rb = tile / target_blocks, tb = tile % target_blocks;
        const size_t r_end = std::min(remains.size(), (rb + 1) * kRemainsBlock);
        const size_t t_end = std::min(targets, (tb + 1) * kTargetBlock);
        for (size_t r = rb * kRemainsBlock; r < r_end; ++r) {
          for (size_t t = tb * kTargetBlock; t < t_end; ++t) {
            const float log10_lr = screener.compare(t, prepared[r], remains[r]);
            if (!(log10_lr >= table_threshold)) continue;
            const PairwiseResult exact = index.exact_lr(t, remains[r]);
            if (!(exact.log10_lr >= threshold)) continue;
            ScreeningCandidate c;
            c.remains = static_cast<uint32_t>(r);
            c.family = index.targets()[t].family;
            c.member = index.targets()[t].member;
            c.log10_lr = exact.log10_lr;
            c.markers_compared = static_cast<uint32_t>(exact.markers_compared);
            c.inconsistent_markers = static_cast<uint32_t>(exact.inconsistent_markers);
            for (const MarkerLr& m : exact.per_marker) {
              if (m.lr == 0) c.excluding_markers |= uint64_t{1} << m.marker;
            }
            c.posterior = posterior_probability(c.log10_lr, result.prior);
            found[thread].push_back(c);
          }
        }
      },
      options.progress, "screening");
  for (auto& f : found) result.candidates.insert(result.candidates.end(), f.begin(), f.end());
  std::sort(result.candidates.begin(), result.candidates.end(),
            [](const ScreeningCandidate& x, const ScreeningCandidate& y) {
              if (x.remains != y.remains) return x.remains < y.remains;
              if (x.log10_lr != y.log10_lr) return x.log10_lr > y.log10_lr;
              return std::tie(x.family, x.member) < std::tie(y.family, y.member);
            });
  result.comparisons = static_cast<uint64_t>(remains.size()) * targets;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace athar::kinship
