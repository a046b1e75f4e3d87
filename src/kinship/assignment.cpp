#include "kinship/assignment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace athar::kinship {

namespace {

// Can two seen genotypes be one person's? Equal, or a single visible allele under dropout that
// the other's genotype contains (or that, with the other's own dropout, completes it).
bool compatible(const Genotype& x, double dx, const Genotype& y, double dy) {
  if (x == y) return true;
  const bool x_single = x.a == x.b && dx > 0, y_single = y.a == y.b && dy > 0;
  if (x_single && (x.a == y.a || x.a == y.b)) return true;
  if (y_single && (y.a == x.a || y.a == x.b)) return true;
  return x_single && y_single;  // {x, y} with one allele lost from each
}

uint32_t find_root(std::vector<uint32_t>& parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

// Minimum-cost assignment of rows to distinct columns (rows <= columns), the Hungarian method
// with potentials (Kuhn 1955; Munkres 1957), O(rows² · columns). Returns each row's column.
std::vector<size_t> hungarian(const std::vector<std::vector<double>>& cost) {
  const size_t n = cost.size(), m = cost.empty() ? 0 : cost[0].size();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(m + 1, 0);
  std::vector<size_t> p(m + 1, 0), way(m + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    p[0] = i;
    size_t j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<bool> used(m + 1, false);
    do {
      used[j0] = true;
      const size_t i0 = p[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<size_t> column_of(n, SIZE_MAX);
  for (size_t j = 1; j <= m; ++j) {
    if (p[j]) column_of[p[j] - 1] = j - 1;
  }
  return column_of;
}

}  // namespace

std::vector<DirectMatch> direct_matches(const FrequencyTable& table,
                                        const std::vector<Profile>& first,
                                        const std::vector<Profile>& second, bool same_list,
                                        double theta, double threshold, size_t min_markers) {
  std::vector<DirectMatch> out;
  const double log10_threshold = std::log10(threshold);
  for (uint32_t i = 0; i < first.size(); ++i) {
    for (uint32_t j = same_list ? i + 1 : 0; j < second.size(); ++j) {
      const Profile& a = first[i];
      const Profile& b = second[j];
      size_t shared = 0;
      bool ok = true;
      for (size_t m = 0; m < table.size() && ok; ++m) {
        if (!a.markers[m].typed() || !b.markers[m].typed()) continue;
        ++shared;
        ok = compatible(a.markers[m], a.dropout, b.markers[m], b.dropout);
      }
      if (!ok || shared < min_markers) continue;
      const PairwiseResult r = pairwise_lr(table, a, b, Relationship::kSamePerson, theta);
      if (r.inconsistent_markers || r.log10_lr < log10_threshold) continue;
      out.push_back({i, j, r.log10_lr, r.random_match_probability, r.markers_compared});
    }
  }
  return out;
}

std::vector<uint32_t> fragment_bodies(const std::vector<DirectMatch>& matches, size_t remains) {
  std::vector<uint32_t> parent(remains);
  std::iota(parent.begin(), parent.end(), 0u);
  for (const DirectMatch& m : matches) parent[find_root(parent, m.a)] = find_root(parent, m.b);
  std::vector<uint32_t> body(remains), index(remains, UINT32_MAX);
  uint32_t next = 0;
  for (uint32_t r = 0; r < remains; ++r) {
    const uint32_t root = find_root(parent, r);
    if (index[root] == UINT32_MAX) index[root] = next++;
    body[r] = index[root];
  }
  return body;
}

std::vector<Assignment> assign(const std::vector<ScreeningCandidate>& candidates,
                               const std::vector<uint32_t>& body_of_remains) {
  // Edges: body × missing person, the best LR of the body's fragments; only LR > 1 can help.
  std::map<std::pair<uint32_t, uint64_t>, double> best;
  for (const ScreeningCandidate& c : candidates) {
    if (!(c.log10_lr > 0)) continue;
    const uint64_t target = uint64_t{c.family} << 32 | c.member;
    auto [it, inserted] = best.try_emplace({body_of_remains[c.remains], target}, c.log10_lr);
    if (!inserted) it->second = std::max(it->second, c.log10_lr);
  }
  // Connected parts of the bipartite graph, each solved on its own.
  std::map<uint32_t, uint32_t> body_node;
  std::map<uint64_t, uint32_t> target_node;
  for (const auto& [edge, w] : best) {
    body_node.try_emplace(edge.first, static_cast<uint32_t>(body_node.size()));
    target_node.try_emplace(edge.second, static_cast<uint32_t>(target_node.size()));
  }
  const uint32_t bodies = static_cast<uint32_t>(body_node.size());
  std::vector<uint32_t> parent(bodies + target_node.size());
  std::iota(parent.begin(), parent.end(), 0u);
  for (const auto& [edge, w] : best) {
    parent[find_root(parent, body_node[edge.first])] =
        find_root(parent, bodies + target_node[edge.second]);
  }
  std::map<uint32_t, std::pair<std::vector<uint32_t>, std::vector<uint64_t>>> parts;
  for (const auto& [body, node] : body_node) parts[find_root(parent, node)].first.push_back(body);
  for (const auto& [target, node] : target_node)
    parts[find_root(parent, bodies + node)].second.push_back(target);
  std::vector<Assignment> out;
  for (const auto& [root, part] : parts) {
    const auto& [part_bodies, part_targets] = part;
    // Rows: the smaller side; a pair without an edge costs 0 (left unassigned).
    const bool bodies_are_rows = part_bodies.size() <= part_targets.size();
    const size_t rows = bodies_are_rows ? part_bodies.size() : part_targets.size();
    const size_t columns = bodies_are_rows ? part_targets.size() : part_bodies.size();
    std::vector<std::vector<double>> cost(rows, std::vector<double>(columns, 0.0));
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns; ++c) {
        const uint32_t body = bodies_are_rows ? part_bodies[r] : part_bodies[c];
        const uint64_t target = bodies_are_rows ? part_targets[c] : part_targets[r];
        const auto it = best.find({body, target});
        if (it != best.end()) cost[r][c] = -it->second;
      }
    }
    const std::vector<size_t> column_of = hungarian(cost);
    for (size_t r = 0; r < rows; ++r) {
      if (column_of[r] == SIZE_MAX) continue;
      const uint32_t body = bodies_are_rows ? part_bodies[r] : part_bodies[column_of[r]];
      const uint64_t target = bodies_are_rows ? part_targets[column_of[r]] : part_targets[r];
      const auto it = best.find({body, target});
      if (it == best.end()) continue;  // matched to nothing real
      out.push_back({body, static_cast<uint32_t>(target >> 32),
                     static_cast<uint32_t>(target & 0xffffffffu), it->second});
    }
  }
  std::sort(out.begin(), out.end(), [](const Assignment& x, const Assignment& y) {
    return x.log10_lr != y.log10_lr ? x.log10_lr > y.log10_lr : x.body < y.body;
  });
  return out;
}

}  // namespace athar::kinship
