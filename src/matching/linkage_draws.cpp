#include "matching/linkage_draws.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/parallel.h"
#include "matching/internal/histories.h"
#include "store/database.h"

namespace athar::matching {

namespace {

constexpr const char* kUnknown = "(unknown)";

uint64_t pair_key(uint32_t a, uint32_t b) {
  if (a > b) std::swap(a, b);
  return (uint64_t{a} << 32) | b;
}

// Union-find whose roots know their records' lists and the records they must never join.
class Entities {
 public:
  explicit Entities(const LinkageDrawInput& in)
      : in_(in), parent_(in.list_of_record.size()), members_(in.list_of_record.size()) {
    std::iota(parent_.begin(), parent_.end(), 0u);
    for (uint32_t r = 0; r < parent_.size(); ++r) members_[r] = {r};
    for (const auto& [a, b] : in.different) {
      never_[a].push_back(b);
      never_[b].push_back(a);
    }
  }
  uint32_t root(uint32_t r) {
    while (parent_[r] != r) r = parent_[r] = parent_[parent_[r]];
    return r;
  }
  // Joins the entities of a and b unless a rule forbids it; `forced` (an analyst's "same")
  // only skips the list rule.
  void join(uint32_t a, uint32_t b, bool forced, const std::unordered_set<uint64_t>& candidate) {
    uint32_t ra = root(a), rb = root(b);
    if (ra == rb) return;
    if (members_[ra].size() < members_[rb].size()) std::swap(ra, rb);
    for (uint32_t x : members_[rb]) {
      for (uint32_t y : members_[ra]) {
        if (forbidden(x, y)) return;
        if (forced || in_.list_of_record[x] != in_.list_of_record[y]) continue;
        if (in_.one_record_per_list || !candidate.count(pair_key(x, y))) return;
      }
    }
    parent_[rb] = ra;
    members_[ra].insert(members_[ra].end(), members_[rb].begin(), members_[rb].end());
    members_[rb].clear();
    members_[rb].shrink_to_fit();
  }

 private:
  bool forbidden(uint32_t x, uint32_t y) const {
    const auto it = never_.find(x);
    return it != never_.end() &&
           std::find(it->second.begin(), it->second.end(), y) != it->second.end();
  }
  const LinkageDrawInput& in_;
  std::vector<uint32_t> parent_;
  std::vector<std::vector<uint32_t>> members_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> never_;
};

double mean_of(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double variance_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return v.size() > 1 ? s / static_cast<double>(v.size()) : 0;
}

}  // namespace

namespace {

// The candidate pairs, for the rule that two records of one list meet only through their own
// pair; built once for all draws (empty across lists only, where they never meet).
std::unordered_set<uint64_t> candidate_keys(const LinkageDrawInput& in) {
  std::unordered_set<uint64_t> candidate;
  if (in.one_record_per_list) return candidate;
  candidate.reserve(in.pairs.size() * 2);
  for (const linkage::Link& p : in.pairs) candidate.insert(pair_key(p.a, p.b));
  return candidate;
}

std::vector<uint32_t> draw_with(const LinkageDrawInput& in,
                                const std::unordered_set<uint64_t>& candidate,
                                std::mt19937_64& random) {
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<const linkage::Link*> drawn;
  for (const linkage::Link& p : in.pairs)
    if (uniform(random) < p.probability) drawn.push_back(&p);
  // Strongest first, as the engine joins: where two drawn links compete for one place (two
  // records of a list for one person), the likelier wins.
  std::stable_sort(drawn.begin(), drawn.end(), [](const linkage::Link* x, const linkage::Link* y) {
    return x->probability > y->probability;
  });
  Entities entities(in);
  for (const auto& [a, b] : in.same) entities.join(a, b, true, candidate);
  for (const linkage::Link* p : drawn) entities.join(p->a, p->b, false, candidate);
  std::vector<uint32_t> entity(in.list_of_record.size());
  for (uint32_t r = 0; r < entity.size(); ++r) entity[r] = entities.root(r);
  return entity;
}

}  // namespace

std::vector<uint32_t> draw_linkage(const LinkageDrawInput& in, std::mt19937_64& random) {
  return draw_with(in, candidate_keys(in), random);
}

std::vector<std::pair<std::string, estimate::CaptureHistories>> histories_of(
    const LinkageDrawInput& in, const std::vector<uint32_t>& entity) {
  // An entity's stratum: the value most of its records give, a tie going to the first in order
  // (the earliest year); not a stratum of its own when they disagree (such a stratum would hold
  // no one seen on one list only, and could not be estimated).
  struct Entity {
    size_t history = 0;
    std::map<std::string, int> votes;
  };
  std::unordered_map<uint32_t, Entity> by_entity;
  const bool stratified = !in.stratum_of_record.empty();
  for (size_t r = 0; r < entity.size(); ++r) {
    Entity& e = by_entity[entity[r]];
    e.history |= size_t{1} << in.list_of_record[r];
    if (stratified && !in.stratum_of_record[r].empty()) ++e.votes[in.stratum_of_record[r]];
  }
  std::map<std::string, estimate::CaptureHistories> strata;
  for (const auto& [id, e] : by_entity) {
    std::string stratum = stratified ? kUnknown : "";
    int most = 0;
    for (const auto& [value, n] : e.votes) {
      if (n > most) {
        stratum = value;
        most = n;
      }
    }
    estimate::CaptureHistories& h = strata[stratum];
    if (h.counts.empty()) {
      h.lists = in.lists;
      h.counts.assign(size_t{1} << in.lists.size(), 0.0);
    }
    h.counts[e.history] += 1;
  }
  return {strata.begin(), strata.end()};
}

LinkageDrawInput linkage_draw_input(registry::Registry& registry, std::optional<StratumBy> by) {
  const std::vector<EntityRow> rows = entities(registry);
  LinkageDrawInput in;
  in.lists = matching_internal::list_names(rows);  // InputError when there is no run
  std::map<std::string, uint32_t> list_index, record_index;
  for (uint32_t i = 0; i < in.lists.size(); ++i) list_index[in.lists[i]] = i;
  std::map<std::string, std::string> stratum;
  if (by) stratum = stratum_of_records(registry, *by);
  for (const EntityRow& r : rows) {
    record_index.emplace(r.record, static_cast<uint32_t>(in.list_of_record.size()));
    in.list_of_record.push_back(list_index.at(r.list));
    if (by) {
      const auto it = stratum.find(r.record);
      in.stratum_of_record.push_back(it == stratum.end() ? "" : it->second);
    }
  }
  store::Database& db = registry.database();
  auto pairs = db.prepare("SELECT record_a, record_b, probability FROM match_candidates");
  while (pairs->step()) {
    const auto a = record_index.find(pairs->string(0)), b = record_index.find(pairs->string(1));
    if (a == record_index.end() || b == record_index.end()) continue;  // not linked in this run
    in.pairs.push_back({a->second, b->second, pairs->real(2)});
  }
  // Strongest first, ties by records: the draws do not depend on the table's order.
  std::sort(in.pairs.begin(), in.pairs.end(), [](const linkage::Link& x, const linkage::Link& y) {
    return x.probability != y.probability ? x.probability > y.probability
                                          : pair_key(x.a, x.b) < pair_key(y.a, y.b);
  });
  auto decisions = db.prepare("SELECT record_a, record_b, decision FROM match_decisions");
  while (decisions->step()) {
    const auto a = record_index.find(decisions->string(0));
    const auto b = record_index.find(decisions->string(1));
    if (a == record_index.end() || b == record_index.end()) continue;
    (decisions->string(2) == "same" ? in.same : in.different).emplace_back(a->second, b->second);
  }
  return in;
}

double Calibration::apply(double probability) const {
  if (!fitted) return probability;
  const double p = std::clamp(probability, 1e-12, 1 - 1e-12);
  const double z = intercept + slope * std::log(p / (1 - p));
  return 1 / (1 + std::exp(-z));
}

Calibration calibrate_from_decisions(const LinkageDrawInput& in) {
  std::unordered_map<uint64_t, double> probability;
  for (const linkage::Link& p : in.pairs) probability.emplace(pair_key(p.a, p.b), p.probability);
  std::vector<std::pair<double, double>> points;  // (logit p, 1 same / 0 different)
  Calibration c;
  const auto add = [&](const std::vector<std::pair<uint32_t, uint32_t>>& decided, double y) {
    for (const auto& [a, b] : decided) {
      const auto it = probability.find(pair_key(a, b));
      if (it == probability.end()) continue;
      const double p = std::clamp(it->second, 1e-12, 1 - 1e-12);
      points.emplace_back(std::log(p / (1 - p)), y);
      c.same += y > 0;
    }
  };
  add(in.same, 1);
  add(in.different, 0);
  c.decided = points.size();
  if (c.decided < 20 || c.same < 5 || c.decided - c.same < 5) return c;
  // Newton's method on the penalised log-likelihood; prior variances 1 (intercept) and 0.25
  // (slope) keep a handful of decisions from swinging every probability.
  double a = 0, b = 1;
  for (int iteration = 0; iteration < 50; ++iteration) {
    double ga = -a, gb = -(b - 1) / 0.25, haa = -1, hab = 0, hbb = -1 / 0.25;
    for (const auto& [x, y] : points) {
      const double q = 1 / (1 + std::exp(-(a + b * x)));
      ga += y - q;
      gb += (y - q) * x;
      const double w = q * (1 - q);
      haa -= w;
      hab -= w * x;
      hbb -= w * x * x;
    }
    const double det = haa * hbb - hab * hab;
    const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (std::abs(da) + std::abs(db) < 1e-10) break;
  }
  c.intercept = a;
  c.slope = b;
  c.fitted = true;
  return c;
}

void apply_calibration(const Calibration& c, LinkageDrawInput& in) {
  for (linkage::Link& p : in.pairs) p.probability = c.apply(p.probability);
}

LinkageAwareEstimates estimate_with_linkage_draws(const LinkageDrawInput& in,
                                                  const LinkageDrawOptions& options) {
  if (options.draws < 2)
    throw core::InputError("estimate", "linkage draws", std::to_string(options.draws),
                           "needs at least 2 draws");
  const bool stratified = !in.stratum_of_record.empty();
  // Each draw is independent and seeded by its index: the same answer on any number of threads.
  std::vector<estimate::Estimates> per_draw(options.draws);
  std::vector<double> documented(options.draws);
  const std::unordered_set<uint64_t> candidate = candidate_keys(in);
  std::vector<std::exception_ptr> failed(options.draws);
  core::parallel_chunks(
      core::thread_count(options.threads), options.draws,
      [&](unsigned, size_t d) {
        try {
          std::mt19937_64 random(options.seed * 1'000'003 + d);
          const std::vector<uint32_t> entity = draw_with(in, candidate, random);
          auto strata = histories_of(in, entity);
          double n = 0;
          for (const auto& [name, h] : strata) n += h.documented();
          documented[d] = n;
          estimate::EstimationOptions eo = options.estimation;
          eo.seed = options.seed + d;
          eo.latent.threads = 1;
          per_draw[d] = estimate::estimate_strata(std::move(strata), stratified, eo);
        } catch (...) {
          failed[d] = std::current_exception();
        }
      },
      options.progress, "linkage draws");
  for (const std::exception_ptr& f : failed)
    if (f) std::rethrow_exception(f);

  LinkageAwareEstimates out;
  out.draws = options.draws;
  const estimate::Interval spread = estimate::percentile_interval(documented);
  out.documented_low = spread.low;
  out.documented_high = spread.high;
  std::sort(documented.begin(), documented.end());
  for (size_t m = 0; m < per_draw.front().totals.size(); ++m) {
    estimate::MethodResult pooled;
    const estimate::MethodResult& first = per_draw.front().totals[m];
    pooled.latent = first.latent;
    // Each draw chooses its own model; name one only when every draw chose it.
    bool one_method = true;
    for (const estimate::Estimates& e : per_draw) one_method &= e.totals[m].method == first.method;
    pooled.method = (one_method     ? first.method
                     : first.latent ? std::string("latent classes")
                                    : std::string("log-linear, best by AIC in each draw")) +
                    ", pooled over " + std::to_string(options.draws) + " linkage draws";
    pooled.assumes = first.assumes +
                     "; linkage draws: each candidate pair links with its match probability, "
                     "which the model must have right";
    pooled.documented = documented[documented.size() / 2];
    std::vector<double> draw_means, estimates;
    double within_width = 0, within_variance = 0;
    for (const estimate::Estimates& e : per_draw) {
      const estimate::MethodResult& r = e.totals[m];
      pooled.draws.insert(pooled.draws.end(), r.draws.begin(), r.draws.end());
      draw_means.push_back(mean_of(r.draws));
      within_variance += variance_of(r.draws);
      estimates.push_back(r.estimate);
      within_width += r.high - r.low;
      for (const std::string& w : r.warnings) {
        if (std::find(pooled.warnings.begin(), pooled.warnings.end(), w) == pooled.warnings.end())
          pooled.warnings.push_back(w);
      }
    }
    const auto n = static_cast<double>(options.draws);
    pooled.estimate = mean_of(estimates);
    const estimate::Interval i = estimate::percentile_interval(pooled.draws);
    pooled.low = i.low;
    pooled.high = i.high;
    // A draw's mean carries its own sampling noise (within / its number of draws); that much
    // of the spread of the means is not linkage.
    const double within = within_variance / n;
    const double per_draw_samples =
        static_cast<double>(pooled.draws.size()) / static_cast<double>(options.draws);
    const double between =
        std::max(0.0, variance_of(draw_means) - within / std::max(1.0, per_draw_samples));
    out.linkage_share.push_back(between + within > 0 ? between / (between + within) : 0);
    out.within_width.push_back(within_width / n);
    out.totals.push_back(std::move(pooled));
  }
  return out;
}

}  // namespace athar::matching
