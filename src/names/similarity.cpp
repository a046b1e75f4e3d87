#include "names/similarity.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace athar::names {

double jaro(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t window = std::max<size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  const auto score = [&](size_t matches, size_t transpositions) {
    const double m = static_cast<double>(matches);
    return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
            (m - static_cast<double>(transpositions) / 2.0) / m) /
           3.0;
  };
  if (a.size() <= 64 && b.size() <= 64) {
    // Names are short: which characters matched fits in two words (no buffers to clear; the
    // matched pairs are then walked bit by bit). The same matches as the general loop below.
    uint64_t a_matched = 0, b_matched = 0;
    size_t matches = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      const size_t lo = i > window ? i - window : 0;
      const size_t hi = std::min(i + window + 1, b.size());
      for (size_t j = lo; j < hi; ++j) {
        if ((b_matched >> j & 1) || a[i] != b[j]) continue;
        a_matched |= uint64_t{1} << i;
        b_matched |= uint64_t{1} << j;
        ++matches;
        break;
      }
    }
    if (matches == 0) return 0.0;
    size_t transpositions = 0;
    for (uint64_t am = a_matched, bm = b_matched; am; am &= am - 1, bm &= bm - 1)
      transpositions += a[static_cast<size_t>(std::countr_zero(am))] !=
                        b[static_cast<size_t>(std::countr_zero(bm))];
    return score(matches, transpositions);
  }
  thread_local std::vector<char> a_matched, b_matched;
  a_matched.assign(a.size(), 0);
  b_matched.assign(b.size(), 0);
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(i + window + 1, b.size());
    for (size_t j = lo; j < hi; ++j) {
      if (b_matched[j] || a[i] != b[j]) continue;
      a_matched[i] = b_matched[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  return score(matches, transpositions);
}

double jaro_winkler(std::u32string_view a, std::u32string_view b) {
  const double j = jaro(a, b);
  if (j <= 0.7) return j;
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return j + static_cast<double>(prefix) * 0.1 * (1.0 - j);
}

LetterCounts letter_counts(std::u32string_view name) {
  LetterCounts out;
  out.length = static_cast<uint32_t>(name.size());
  if (name.size() > 255) return out;  // counts could overflow: the bound gives up (1)
  for (char32_t c : name) ++out.counts[c % 32];
  return out;
}

double jaro_winkler_bound(const LetterCounts& a, const LetterCounts& b) {
  if (a.length == 0 && b.length == 0) return 1.0;
  if (a.length == 0 || b.length == 0) return 0.0;
  if (a.length > 255 || b.length > 255) return 1.0;
  uint32_t common = 0;
  for (size_t k = 0; k < 32; ++k) common += std::min(a.counts[k], b.counts[k]);
  if (common == 0) return 0.0;
  // Jaro with every common character matched and no transposition, then the largest boost.
  const double m = static_cast<double>(common);
  const double j = (m / a.length + m / b.length + 1.0) / 3.0;
  return j > 0.7 ? j + 0.4 * (1.0 - j) : j;
}

int damerau_levenshtein(std::u32string_view a, std::u32string_view b) {
  const size_t n = a.size(), m = b.size();
  const size_t width = m + 2;
  const int infinity = static_cast<int>(n + m);
  thread_local std::vector<int> d;
  // Last row in which each code point of `a` was seen; names use few distinct code points, so
  // a small list beats a hash map.
  thread_local std::vector<std::pair<char32_t, size_t>> last_row;
  d.assign((n + 2) * width, 0);
  last_row.clear();
  const auto at = [&](size_t i, size_t j) -> int& { return d[i * width + j]; };
  at(0, 0) = infinity;
  for (size_t i = 0; i <= n; ++i) {
    at(i + 1, 0) = infinity;
    at(i + 1, 1) = static_cast<int>(i);
  }
  for (size_t j = 0; j <= m; ++j) {
    at(0, j + 1) = infinity;
    at(1, j + 1) = static_cast<int>(j);
  }
  for (size_t i = 1; i <= n; ++i) {
    size_t last_match_column = 0;
    for (size_t j = 1; j <= m; ++j) {
      size_t k = 0;  // last row where b[j-1] occurred in a
      for (const auto& [c, row] : last_row) {
        if (c == b[j - 1]) k = row;
      }
      const size_t l = last_match_column;
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      if (cost == 0) last_match_column = j;
      at(i + 1, j + 1) =
          std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1,
                    at(k, l) + static_cast<int>(i - k - 1) + 1 + static_cast<int>(j - l - 1)});
    }
    auto seen = std::find_if(last_row.begin(), last_row.end(),
                             [&](const auto& p) { return p.first == a[i - 1]; });
    if (seen == last_row.end()) {
      last_row.emplace_back(a[i - 1], i);
    } else {
      seen->second = i;
    }
  }
  return at(n + 1, m + 1);
}

double damerau_levenshtein_similarity(std::u32string_view a, std::u32string_view b) {
  const size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(damerau_levenshtein(a, b)) / static_cast<double>(longest);
}

namespace {
void split_tokens(std::u32string_view text, std::vector<std::u32string_view>& out) {
  out.clear();
  size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && text[start] == U' ') ++start;
    size_t end = start;
    while (end < text.size() && text[end] != U' ') ++end;
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end;
  }
}
}  // namespace

TokenSetSimilarity token_set_similarity(std::u32string_view a, std::u32string_view b) {
  thread_local std::vector<std::u32string_view> ta, tb;
  thread_local std::vector<char> used;
  split_tokens(a, ta);
  split_tokens(b, tb);
  if (ta.empty() || tb.empty()) return {ta.empty() && tb.empty() ? 1.0 : 0.0, 0.0};
  // Greedy: the best remaining pair first. Names have few parts, so O(n^2 m) is small.
  used.assign(tb.size(), 0);
  thread_local std::vector<char> a_used;
  a_used.assign(ta.size(), 0);
  double matched = 0;
  for (size_t round = 0; round < std::min(ta.size(), tb.size()); ++round) {
    double best = 0.8;
    size_t bi = 0, bj = 0;
    bool found = false;
    for (size_t i = 0; i < ta.size(); ++i) {
      if (a_used[i]) continue;
      for (size_t j = 0; j < tb.size(); ++j) {
        if (used[j]) continue;
        const double s = jaro_winkler(ta[i], tb[j]);
        if (s > best || (!found && s >= best)) {
          best = s;
          bi = i;
          bj = j;
          found = true;
        }
      }
    }
    if (!found) break;
    a_used[bi] = used[bj] = 1;
    matched += best;
  }
  const double na = static_cast<double>(ta.size()), nb = static_cast<double>(tb.size());
  return {2.0 * matched / (na + nb), matched / std::min(na, nb)};
}

}  // namespace athar::names
