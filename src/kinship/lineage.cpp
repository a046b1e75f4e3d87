#include "kinship/lineage.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::kinship {

std::string_view lineage_name(Lineage lineage) {
  return lineage == Lineage::kPaternal ? "y" : "mt";
}

namespace {

bool is_number(std::string_view s) {
  if (s.empty()) return false;
  bool dot = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' && !dot && i > 0 && i + 1 < s.size()) {
      dot = true;
    } else if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> split_any(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (separators.find(c) != std::string_view::npos) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

// "14" or "11,14" (a duplicated locus: copies in increasing order).
std::string canonical_allele(std::string_view text, std::string_view where,
                             const std::string& locus) {
  std::vector<std::string> copies = split_any(text, ",");
  for (std::string& c : copies) {
    c = std::string(core::trim(c));
    if (!is_number(c))
      throw core::InputError(std::string(where), locus, std::string(text),
                             "an allele (a repeat number such as 14 or 13.2; copies as 11,14)");
  }
  std::sort(copies.begin(), copies.end(),
            [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
  std::string out;
  for (const std::string& c : copies) out += (out.empty() ? "" : ",") + c;
  return out;
}

// 16223T, 315.1C, 523del (also 523- and 523d): position, optional insertion index, the base.
std::string canonical_variant(std::string variant, std::string_view where) {
  size_t digits = 0;
  while (digits < variant.size() && std::isdigit(static_cast<unsigned char>(variant[digits])))
    ++digits;
  size_t end = digits;
  if (end < variant.size() && variant[end] == '.') {
    ++end;
    while (end < variant.size() && std::isdigit(static_cast<unsigned char>(variant[end]))) ++end;
  }
  std::string base = core::ascii_lower(variant.substr(end));
  if (base == "-" || base == "d") base = "del";
  if (base != "del") {
    for (char& c : base) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  static const std::string kBases = "ACGTRYKMSWBDHVN";
  const bool base_ok =
      base == "del" || (base.size() == 1 && kBases.find(base[0]) != std::string::npos);
  if (digits == 0 || end == digits + 1 || !base_ok)
    throw core::InputError(std::string(where), "variant", variant,
                           "an mtDNA variant: position and base (16223T, 315.1C, 523del)");
  return variant.substr(0, end) + base;
}

double variant_position(const std::string& v) { return std::stod(v); }

// P(X ≤ seen) for X ~ Binomial(n, p), in logs.
double binomial_cdf(size_t seen, size_t n, double p) {
  const double log_p = std::log(p), log_q = std::log1p(-p);
  const double log_n = std::lgamma(static_cast<double>(n) + 1);
  double total = 0;
  for (size_t k = 0; k <= seen; ++k) {
    const double kk = static_cast<double>(k), rest = static_cast<double>(n - k);
    total +=
        std::exp(log_n - std::lgamma(kk + 1) - std::lgamma(rest + 1) + kk * log_p + rest * log_q);
  }
  return total;
}

}  // namespace

Haplotype parse_haplotype(Lineage lineage, std::string_view text, std::string_view where) {
  Haplotype h;
  if (lineage == Lineage::kPaternal) {
    std::map<std::string, std::string> loci;
    for (const std::string& part : split_any(text, ";\n")) {
      const std::string_view trimmed = core::trim(part);
      if (trimmed.empty()) continue;
      const size_t eq = trimmed.find('=');
      const std::string locus(core::trim(trimmed.substr(0, eq == std::string_view::npos ? 0 : eq)));
      if (eq == std::string_view::npos || locus.empty())
        throw core::InputError(
            std::string(where), "haplotype", std::string(trimmed),
            "locus=allele pairs separated by semicolons (DYS19=14;DYS385=11,14)");
      const std::string_view allele = core::trim(trimmed.substr(eq + 1));
      if (allele.empty()) continue;  // not typed
      if (!loci.emplace(locus, canonical_allele(allele, where, locus)).second)
        throw core::InputError(std::string(where), locus, std::string(trimmed),
                               "a locus given twice");
    }
    h.alleles.assign(loci.begin(), loci.end());
  } else {
    for (const std::string& part : split_any(text, " ,;\t\n")) {
      h.variants.push_back(canonical_variant(part, where));
    }
    std::sort(h.variants.begin(), h.variants.end(), [](const auto& a, const auto& b) {
      const double pa = variant_position(a), pb = variant_position(b);
      return pa != pb ? pa < pb : a < b;
    });
    const auto repeated = std::adjacent_find(h.variants.begin(), h.variants.end());
    if (repeated != h.variants.end())
      throw core::InputError(std::string(where), "variant", *repeated, "a variant given twice");
  }
  if (h.alleles.empty() && h.variants.empty() && lineage == Lineage::kPaternal)
    throw core::InputError(std::string(where), "haplotype", std::string(text),
                           "no typed Y-STR locus");
  return h;
}

std::string haplotype_text(Lineage lineage, const Haplotype& h) {
  std::string out;
  if (lineage == Lineage::kPaternal) {
    for (const auto& [locus, allele] : h.alleles)
      out += (out.empty() ? "" : ";") + locus + "=" + allele;
  } else {
    for (const auto& v : h.variants) out += (out.empty() ? "" : " ") + v;
  }
  return out;
}

HaplotypeDatabase::HaplotypeDatabase(Lineage lineage,
                                     std::vector<std::pair<Haplotype, size_t>> entries)
    : lineage_(lineage), entries_(std::move(entries)) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const auto& [h, n] = entries_[i];
    size_ += n;
    persons_by_text_[haplotype_text(lineage_, h)] += n;
    if (lineage_ != Lineage::kPaternal) continue;
    std::vector<std::string> loci;
    for (const auto& a : h.alleles) loci.push_back(a.first);
    if (i == 0) {
      shared_loci_ = std::move(loci);
    } else if (loci != shared_loci_) {
      uniform_ = false;
    }
  }
}

HaplotypeDatabase HaplotypeDatabase::read(const std::string& path, Lineage lineage) {
  core::CsvReader reader(path);
  std::vector<std::string_view> row;
  if (!reader.next(row)) throw core::InputError(path, "haplotype", "", "an empty file");
  std::vector<std::string> header(row.begin(), row.end());
  reader.set_header(row);
  const auto column = [&](std::string_view name) -> int {
    for (size_t i = 0; i < header.size(); ++i)
      if (core::ascii_lower(core::trim(header[i])) == name) return static_cast<int>(i);
    return -1;
  };
  const int haplotype = column("haplotype"), count = column("count");
  if (haplotype < 0)
    throw core::InputError(path, "haplotype", "",
                           "a column named haplotype (and optionally count)");
  std::vector<std::pair<Haplotype, size_t>> entries;
  while (reader.next(row)) {
    const std::string where = reader.location();
    if (static_cast<size_t>(haplotype) >= row.size()) continue;
    size_t n = 1;
    if (count >= 0 && static_cast<size_t>(count) < row.size() && !core::trim(row[count]).empty()) {
      const std::string c(core::trim(row[count]));
      if (!is_number(c) || c.find('.') != std::string::npos || std::stoull(c) == 0)
        throw core::InputError(std::string(where), "count", c,
                               "a whole number of persons, at least 1");
      n = std::stoull(c);
    }
    entries.emplace_back(parse_haplotype(lineage, row[haplotype], where), n);
  }
  if (entries.empty())
    throw core::InputError(path, "haplotype", "", "no haplotype in the database");
  return HaplotypeDatabase(lineage, std::move(entries));
}

size_t HaplotypeDatabase::size() const { return size_; }

std::string HaplotypeDatabase::canonical_text() const {
  std::map<std::string, size_t> counts;
  for (const auto& [h, n] : entries_) counts[haplotype_text(lineage_, h)] += n;
  std::string out;
  for (const auto& [text, n] : counts) out += std::to_string(n) + "\t" + text + "\n";
  return out;
}

HaplotypeDatabase HaplotypeDatabase::from_canonical_text(Lineage lineage, std::string_view text,
                                                         std::string_view where) {
  std::vector<std::pair<Haplotype, size_t>> entries;
  size_t line = 0;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view row = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line;
    const size_t tab = row.find('\t');
    const std::string at = std::string(where) + " line " + std::to_string(line);
    const std::string count(row.substr(0, tab == std::string_view::npos ? 0 : tab));
    if (tab == std::string_view::npos || !is_number(count) ||
        count.find('.') != std::string::npos || std::stoull(count) == 0)
      throw core::InputError(at, "count", count, "a whole number of persons, at least 1");
    entries.emplace_back(parse_haplotype(lineage, row.substr(tab + 1), at), std::stoull(count));
  }
  if (entries.empty())
    throw core::InputError(std::string(where), "haplotype", "", "no haplotype in the database");
  return HaplotypeDatabase(lineage, std::move(entries));
}

std::pair<size_t, size_t> HaplotypeDatabase::matches(const Haplotype& query) const {
  bool whole = lineage_ == Lineage::kMaternal;
  if (!whole && uniform_ && query.alleles.size() == shared_loci_.size()) {
    whole = true;
    for (size_t i = 0; i < shared_loci_.size() && whole; ++i)
      whole = query.alleles[i].first == shared_loci_[i];
  }
  if (whole) {
    const auto it = persons_by_text_.find(haplotype_text(lineage_, query));
    return {size_, it == persons_by_text_.end() ? 0 : it->second};
  }
  size_t typed = 0, equal = 0;
  for (const auto& [h, n] : entries_) {
    if (lineage_ == Lineage::kMaternal) {
      typed += n;
      equal += h.variants == query.variants ? n : 0;
      continue;
    }
    bool all_typed = true, all_equal = true;
    for (const auto& [locus, allele] : query.alleles) {
      const auto it =
          std::lower_bound(h.alleles.begin(), h.alleles.end(), locus,
                           [](const auto& a, const std::string& l) { return a.first < l; });
      if (it == h.alleles.end() || it->first != locus) {
        all_typed = false;
        break;
      }
      all_equal &= it->second == allele;
    }
    if (!all_typed) continue;
    typed += n;
    equal += all_equal ? n : 0;
  }
  return {typed, equal};
}

HaplotypeFrequency counting_frequency(size_t seen, size_t database_size, double confidence) {
  if (database_size == 0)
    throw core::InputError("haplotype frequency", "database", "0",
                           "no database haplotype typed at these loci");
  if (!(confidence > 0 && confidence < 1))
    throw core::InputError("haplotype frequency", "confidence", core::shortest_number(confidence),
                           "in (0, 1)");
  HaplotypeFrequency f;
  f.seen = seen;
  f.database_size = database_size;
  f.confidence = confidence;
  const double n = static_cast<double>(database_size);
  f.estimate = static_cast<double>(seen) / n;
  const double alpha = 1 - confidence;
  if (seen >= database_size) {
    f.upper = 1;
  } else if (seen == 0) {
    f.upper = -std::expm1(std::log(alpha) / n);  // 1 − α^(1/N)
  } else {
    // P(X ≤ seen) falls as p rises: bisect for the p where it is α.
    double low = f.estimate, high = 1;
    for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
      const double mid = (low + high) / 2;
      (binomial_cdf(seen, database_size, mid) > alpha ? low : high) = mid;
    }
    f.upper = (low + high) / 2;
  }
  return f;
}

LineageComparison compare_lineage(const HaplotypeDatabase& database, const Haplotype& remains,
                                  const Haplotype& relative, int meioses,
                                  const LineageOptions& options) {
  const std::string where = "lineage " + remains.sample + " / " + relative.sample;
  if (meioses < 1)
    throw core::InputError(std::string(where), "meioses", std::to_string(meioses), "at least 1");
  if (!(options.theta >= 0 && options.theta < 1))
    throw core::InputError(std::string(where), "theta", core::shortest_number(options.theta),
                           "in [0, 1)");
  LineageComparison c;
  c.lineage = database.lineage();
  c.meioses = meioses;
  Haplotype query;  // the remains at what is compared
  query.sample = remains.sample;
  double log10_numerator = 0;
  bool excluded = false;
  if (c.lineage == Lineage::kPaternal) {
    const double mu = options.y_mutation_rate, m = meioses;
    if (!(mu >= 0 && mu < 1))
      throw core::InputError(std::string(where), "mutation rate", core::shortest_number(mu),
                             "in [0, 1)");
    for (const auto& [locus, allele] : remains.alleles) {
      const auto it = std::find_if(relative.alleles.begin(), relative.alleles.end(),
                                   [&](const auto& a) { return a.first == locus; });
      if (it == relative.alleles.end()) continue;
      ++c.compared;
      query.alleles.emplace_back(locus, allele);
      if (it->second == allele) {
        log10_numerator += m * std::log10(1 - mu);
        continue;
      }
      c.differences.push_back(locus + " " + allele + "/" + it->second);
      const bool single =
          allele.find(',') == std::string::npos && it->second.find(',') == std::string::npos;
      if (single && std::fabs(std::fabs(std::stod(allele) - std::stod(it->second)) - 1) < 1e-9 &&
          mu > 0) {
        log10_numerator += std::log10(m * mu / 2);
      } else {
        excluded = true;  // more than one repeat apart, or a partial repeat: not a mutation step
      }
    }
    if (c.compared == 0)
      throw core::InputError(std::string(where), "loci", "", "no Y-STR locus typed in both");
    c.conclusion = excluded ? "excluded" : c.differences.empty() ? "match" : "match_with_mutation";
  } else {
    query.variants = remains.variants;
    std::vector<std::string> all = remains.variants;
    all.insert(all.end(), relative.variants.begin(), relative.variants.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    c.compared = all.size();
    std::set_symmetric_difference(remains.variants.begin(), remains.variants.end(),
                                  relative.variants.begin(), relative.variants.end(),
                                  std::back_inserter(c.differences),
                                  [](const auto& a, const auto& b) {
                                    const double pa = variant_position(a), pb = variant_position(b);
                                    return pa != pb ? pa < pb : a < b;
                                  });
    c.conclusion = c.differences.empty()       ? "match"
                   : c.differences.size() == 1 ? "inconclusive"
                                               : "excluded";
    excluded = c.differences.size() > 1;
  }
  const auto [typed, equal] = database.matches(query);
  c.frequency = counting_frequency(equal, typed, options.confidence);
  c.match_probability = options.theta + (1 - options.theta) * c.frequency.upper;
  if (excluded) {
    c.log10_lr = -INFINITY;
  } else if (c.conclusion == "inconclusive") {
    c.log10_lr = 0;
  } else {
    c.log10_lr = log10_numerator - std::log10(c.match_probability);
  }
  return c;
}

}  // namespace athar::kinship
