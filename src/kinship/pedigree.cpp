#include "kinship/pedigree.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"
#include "kinship/internal/genotypes.h"

namespace athar::kinship {

std::vector<size_t> Family::missing() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].missing) out.push_back(i);
  }
  return out;
}

int Family::member_index(std::string_view name) const {
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

std::string family_where(const Family& f, const Member& m) {
  return "family " + f.id + ", member " + m.name;
}

}  // namespace

void check_family(const Family& family) {
  std::set<std::string> names;
  bool typed = false, missing = false;
  for (const Member& m : family.members) {
    if (!names.insert(m.name).second)
      throw core::InputError("family " + family.id, "member", m.name, "given twice");
    if ((m.father < 0) != (m.mother < 0)) {
      throw core::InputError(family_where(family, m), m.father < 0 ? "father" : "mother", "",
                             "give both parents or neither (an untyped parent may be added)");
    }
    if (m.father >= 0) {
      const Member& father = family.members[static_cast<size_t>(m.father)];
      const Member& mother = family.members[static_cast<size_t>(m.mother)];
      if (father.sex == "female")
        throw core::InputError(family_where(family, m), "father", father.name, "is female");
      if (mother.sex == "male")
        throw core::InputError(family_where(family, m), "mother", mother.name, "is male");
      if (m.father == m.mother)
        throw core::InputError(family_where(family, m), "mother", mother.name,
                               "is also the father");
    }
    typed = typed || m.typed();
    missing = missing || m.missing;
    if (m.missing && m.typed()) {
      throw core::InputError(family_where(family, m), "sample", m.profile.sample,
                             "a missing member has no reference profile");
    }
  }
  // Nobody may be their own ancestor.
  std::vector<int> state(family.members.size(), 0);  // 0 new, 1 on the path, 2 done
  std::function<void(size_t)> visit = [&](size_t i) {
    if (state[i] == 2) return;
    if (state[i] == 1) {
      throw core::InputError(family_where(family, family.members[i]), "father/mother",
                             family.members[i].name, "is their own ancestor (a cycle)");
    }
    state[i] = 1;
    for (int p : {family.members[i].father, family.members[i].mother}) {
      if (p >= 0) visit(static_cast<size_t>(p));
    }
    state[i] = 2;
  };
  for (size_t i = 0; i < family.members.size(); ++i) visit(i);
  if (!missing) throw core::InputError("family " + family.id, "missing", "", "no missing member");
  if (!typed) throw core::InputError("family " + family.id, "sample", "", "nobody is typed");
}

std::vector<Family> read_families(const std::string& path, const std::vector<Profile>& references,
                                  const FrequencyTable& table) {
  core::CsvReader csv(path);
  std::vector<std::string_view> row;
  if (!csv.next(row)) throw core::InputError(path, "", "", "the file is empty (no header row)");
  const std::vector<std::string> expected = {"family", "member", "sex",    "father",
                                             "mother", "sample", "missing"};
  std::vector<int> column(expected.size(), -1);
  for (size_t c = 0; c < row.size(); ++c) {
    const std::string name(core::trim(row[c]));
    const auto it = std::find(expected.begin(), expected.end(), name);
    if (it == expected.end())
      throw core::InputError(path + " row 1 (header)", name, name, "unknown column");
    column[static_cast<size_t>(it - expected.begin())] = static_cast<int>(c);
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (column[i] < 0)
      throw core::InputError(path + " row 1 (header)", expected[i], "", "missing column");
  }
  csv.require_unique_columns(row);
  csv.set_header(row);
  struct Pending {
    std::string where, father, mother;
  };
  std::vector<Family> families;
  std::map<std::string, size_t> family_index;
  std::vector<std::vector<Pending>> pending;
  std::map<std::string, const Profile*> by_sample;
  for (const Profile& p : references) by_sample[p.sample] = &p;
  const auto none = [](std::string_view v) { return v.empty() || v == "-"; };
  while (csv.next(row)) {
    const std::string where = csv.location();
    if (row.size() != expected.size())
      throw core::InputError(where, "", std::to_string(row.size()) + " columns", "expected 7");
    const auto cell = [&](size_t i) {
      return std::string(core::trim(row[static_cast<size_t>(column[i])]));
    };
    const std::string id = cell(0);
    if (id.empty()) throw core::InputError(where, "family", "", "no family id");
    auto [it, inserted] = family_index.try_emplace(id, families.size());
    if (inserted) {
      families.push_back({id, {}});
      pending.emplace_back();
    }
    Family& f = families[it->second];
    Member m;
    m.name = cell(1);
    if (m.name.empty()) throw core::InputError(where, "member", "", "no member name");
    m.sex = cell(2);
    if (m.sex == "unknown" || m.sex == "-") m.sex.clear();
    if (!m.sex.empty() && m.sex != "male" && m.sex != "female")
      throw core::InputError(where, "sex", m.sex, "male, female or unknown");
    const std::string missing = cell(6);
    if (missing != "yes" && missing != "no" && !missing.empty())
      throw core::InputError(where, "missing", missing, "yes or no");
    m.missing = missing == "yes";
    const std::string sample = cell(5);
    if (!none(sample)) {
      const auto p = by_sample.find(sample);
      if (p == by_sample.end()) {
        throw core::InputError(where, "sample", sample,
                               "no such reference profile (family " + id + ")");
      }
      m.profile = *p->second;
      if (m.profile.markers.size() != table.size())
        throw std::logic_error("profile read with another frequency table");
    }
    const std::string father = cell(3), mother = cell(4);
    pending[it->second].push_back({where, none(father) ? "" : father, none(mother) ? "" : mother});
    f.members.push_back(std::move(m));
  }
  for (size_t fi = 0; fi < families.size(); ++fi) {
    Family& f = families[fi];
    for (size_t i = 0; i < f.members.size(); ++i) {
      const Pending& p = pending[fi][i];
      for (const auto& [field, name, slot] :
           {std::tuple{"father", p.father, &f.members[i].father},
            std::tuple{"mother", p.mother, &f.members[i].mother}}) {
        if (name.empty()) continue;
        const int index = f.member_index(name);
        if (index < 0) {
          throw core::InputError(p.where, field, name, "no such member in family " + f.id);
        }
        *slot = index;
      }
    }
    check_family(f);
  }
  return families;
}

std::string draw_family(const Family& family) {
  std::ostringstream out;
  out << "family " << family.id << "\n";
  std::vector<int> depth(family.members.size(), -1);
  std::function<int(size_t)> depth_of = [&](size_t i) -> int {
    if (depth[i] >= 0) return depth[i];
    const Member& m = family.members[i];
    depth[i] = m.father < 0 ? 0
                            : 1 + std::max(depth_of(static_cast<size_t>(m.father)),
                                           depth_of(static_cast<size_t>(m.mother)));
    return depth[i];
  };
  std::vector<size_t> order(family.members.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return depth_of(x) < depth_of(y); });
  for (size_t i : order) {
    const Member& m = family.members[i];
    out << std::string(2 + 4 * static_cast<size_t>(depth_of(i)), ' ') << m.name << " ("
        << (m.sex.empty() ? "sex unknown" : m.sex);
    if (m.father >= 0) {
      out << ", child of " << family.members[static_cast<size_t>(m.father)].name << " and "
          << family.members[static_cast<size_t>(m.mother)].name;
    }
    out << ")";
    if (m.missing) out << "  MISSING";
    if (m.typed()) out << "  typed: " << m.profile.sample;
    out << "\n";
  }
  return out.str();
}

namespace {

// A factor over some members' genotypes, dense over each member's domain (a typed member has
// one genotype, an untyped one every genotype), first variable slowest.
struct Factor {
  std::vector<size_t> vars;
  std::vector<double> values;
};

// The product of factors, with `drop` summed out (none when drop is SIZE_MAX). The variables
// are walked as an odometer with `drop` innermost, each factor's index kept up to date by its
// strides, so that the inner loop is a short sum of products (the tabulation's hot loop).
Factor combine(const std::vector<const Factor*>& factors, size_t drop,
               const std::vector<size_t>& domain_size) {
  std::vector<size_t> all;
  for (const Factor* f : factors) {
    for (size_t v : f->vars) {
      if (v != drop && std::find(all.begin(), all.end(), v) == all.end()) all.push_back(v);
    }
  }
  Factor out;
  out.vars = all;
  if (drop != SIZE_MAX) all.push_back(drop);
  if (all.empty()) {  // a product of constants
    double product = 1;
    for (const Factor* f : factors) product *= f->values.empty() ? 1 : f->values[0];
    out.values.assign(1, product);
    return out;
  }
  // Each factor's (and the result's) stride for each variable of `all`.
  const auto strides = [&](const std::vector<size_t>& vars) {
    std::vector<size_t> stride(all.size(), 0);
    size_t s = 1;
    for (size_t k = vars.size(); k-- > 0;) {
      const size_t at =
          static_cast<size_t>(std::find(all.begin(), all.end(), vars[k]) - all.begin());
      stride[at] = s;
      s *= domain_size[vars[k]];
    }
    return stride;
  };
  const size_t nf = factors.size(), nv = all.size();
  std::vector<size_t> stride(nf * nv);  // [factor * nv + variable]
  for (size_t f = 0; f < nf; ++f) {
    const std::vector<size_t> s = strides(factors[f]->vars);
    std::copy(s.begin(), s.end(), stride.begin() + static_cast<std::ptrdiff_t>(f * nv));
  }
  const std::vector<size_t> out_stride = strides(out.vars);
  size_t out_size = 1;
  for (size_t v : out.vars) out_size *= domain_size[v];
  out.values.assign(out_size, 0.0);
  const size_t last = nv - 1, inner = domain_size[all[last]];
  std::vector<size_t> value(nv, 0), index(nf, 0), inner_stride(nf);
  std::vector<const double*> data(nf);
  for (size_t f = 0; f < nf; ++f) {
    inner_stride[f] = stride[f * nv + last];
    data[f] = factors[f]->values.data();
  }
  size_t out_index = 0;
  const bool summed = drop != SIZE_MAX;
  const size_t out_inner = out_stride[last];
  while (true) {
    if (summed) {
      double sum = 0;
      for (size_t x = 0; x < inner; ++x) {
        double product = 1;
        for (size_t f = 0; f < nf; ++f) product *= data[f][index[f] + x * inner_stride[f]];
        sum += product;
      }
      out.values[out_index] += sum;
    } else {
      for (size_t x = 0; x < inner; ++x) {
        double product = 1;
        for (size_t f = 0; f < nf; ++f) product *= data[f][index[f] + x * inner_stride[f]];
        out.values[out_index + x * out_inner] += product;
      }
    }
    // Next assignment of the outer variables, each index moved by its strides.
    size_t k = last;
    while (k-- > 0) {
      const size_t d = domain_size[all[k]];
      if (++value[k] < d) {
        for (size_t f = 0; f < nf; ++f) index[f] += stride[f * nv + k];
        out_index += out_stride[k];
        break;
      }
      value[k] = 0;
      for (size_t f = 0; f < nf; ++f) index[f] -= (d - 1) * stride[f * nv + k];
      out_index -= (d - 1) * out_stride[k];
    }
    if (k == SIZE_MAX) break;  // every outer variable wrapped: done
  }
  return out;
}

// Sums every variable out but those in `keep`, the one whose elimination makes the smallest
// table first, and returns the product of what is left: a factor over the kept variables.
Factor eliminate_all_but(std::vector<Factor> factors, const std::vector<bool>& keep,
                         const std::vector<size_t>& domain_size) {
  std::vector<bool> eliminated = keep;
  const size_t variables = domain_size.size();
  while (true) {
    size_t best = SIZE_MAX;
    double best_size = INFINITY;
    for (size_t v = 0; v < variables; ++v) {
      if (eliminated[v]) continue;
      std::set<size_t> scope;
      for (const Factor& f : factors) {
        if (std::find(f.vars.begin(), f.vars.end(), v) != f.vars.end())
          scope.insert(f.vars.begin(), f.vars.end());
      }
      double size = 1;
      for (size_t u : scope) size *= static_cast<double>(domain_size[u]);
      if (size < best_size) {
        best = v;
        best_size = size;
      }
    }
    if (best == SIZE_MAX) break;
    std::vector<const Factor*> with;
    for (const Factor& f : factors) {
      if (std::find(f.vars.begin(), f.vars.end(), best) != f.vars.end()) with.push_back(&f);
    }
    Factor combined = combine(with, best, domain_size);
    std::vector<Factor> rest;
    for (Factor& f : factors) {
      if (std::find(f.vars.begin(), f.vars.end(), best) == f.vars.end())
        rest.push_back(std::move(f));
    }
    rest.push_back(std::move(combined));
    factors = std::move(rest);
    eliminated[best] = true;
  }
  std::vector<const Factor*> left;
  for (const Factor& f : factors) left.push_back(&f);
  return combine(left, SIZE_MAX, domain_size);
}

}  // namespace

std::pair<double, double> MutationModel::rates_of(const std::string& marker) const {
  const auto it = marker_rates.find(canonical_marker(marker));
  return it == marker_rates.end() ? std::pair{male_rate, female_rate} : it->second;
}

std::map<std::string, std::pair<double, double>> read_mutation_rates(const std::string& path) {
  std::ifstream in(path);
  if (!in) core::throw_cannot_open(path, "mutation rate table");
  std::map<std::string, std::pair<double, double>> out;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (core::trim(line).empty() || core::trim(line)[0] == '#') continue;
    std::stringstream cells(line);
    std::string marker, male, female;
    std::getline(cells, marker, '\t');
    std::getline(cells, male, '\t');
    std::getline(cells, female, '\t');
    const std::string where = path + " line " + std::to_string(number);
    double rates[2] = {-1, -1};
    for (int i = 0; i < 2; ++i) {
      const std::string text(core::trim(i == 0 ? male : female));
      try {
        size_t used = 0;
        rates[i] = std::stod(text, &used);
        if (used != text.size()) rates[i] = -1;
      } catch (const std::exception&) {
        rates[i] = -1;
      }
      if (!(rates[i] >= 0 && rates[i] < 0.5))
        throw core::InputError(where, marker, text, "a mutation rate is a number in [0, 0.5)");
    }
    if (!out.emplace(canonical_marker(marker), std::pair{rates[0], rates[1]}).second)
      throw core::InputError(where, "marker", marker, "given twice");
  }
  return out;
}

MutationModel::Kind parse_mutation_model(std::string_view name) {
  if (name == "none") return MutationModel::Kind::kNone;
  if (name == "equal") return MutationModel::Kind::kEqual;
  if (name == "proportional") return MutationModel::Kind::kProportional;
  if (name == "stepwise") return MutationModel::Kind::kStepwise;
  throw core::InputError("mutation model", "mutation", std::string(name),
                         "none, equal, proportional or stepwise");
}

std::vector<double> mutation_matrix(const Marker& marker, MutationModel::Kind kind, double rate,
                                    double range) {
  if (!(rate >= 0 && rate < 1))
    throw core::InputError("mutation model", "rate", std::to_string(rate), "in [0, 1)");
  const size_t n = marker.alleles.size();
  std::vector<double> out(n * n, 0.0);
  if (kind == MutationModel::Kind::kNone || n < 2) {
    for (size_t i = 0; i < n; ++i) out[i * n + i] = 1;
    return out;
  }
  if (kind == MutationModel::Kind::kProportional) {
    // P(i→j) = k·rate·p_j (j ≠ i), k making the overall rate `rate` (Familias).
    double expected = 0;
    for (double p : marker.frequency) expected += p * (1 - p);
    const double k = 1 / expected;
    for (size_t i = 0; i < n; ++i) {
      double stay = 1;
      for (size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        out[i * n + j] = k * rate * marker.frequency[j];
        stay -= out[i * n + j];
      }
      out[i * n + i] = stay;
    }
    if (k * rate * (1 - *std::min_element(marker.frequency.begin(), marker.frequency.end())) > 1)
      throw core::InputError("mutation model", "rate", std::to_string(rate),
                             "too high for " + marker.name);
    return out;
  }
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> weight(n, 0.0);
    double total = 0;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      if (kind == MutationModel::Kind::kEqual) {
        weight[j] = 1;
      } else {
        const int difference = std::abs(marker.alleles[i] - marker.alleles[j]);  // in tenths
        weight[j] = difference % 10 == 0 ? std::pow(range, difference / 10 - 1) : 1e-3;
      }
      total += weight[j];
    }
    for (size_t j = 0; j < n; ++j) out[i * n + j] = j == i ? 1 - rate : rate * weight[j] / total;
  }
  return out;
}

MissingPersonLikelihood::MissingPersonLikelihood(const FrequencyTable& table, const Family& family,
                                                 size_t missing, const MutationModel& mutation)
    : table_(table), markers_(table.size()) {
  check_family(family);
  if (missing >= family.members.size() || !family.members[missing].missing)
    throw std::logic_error("not a missing member");
  if (mutation.kind != MutationModel::Kind::kNone) {
    tabulate_with_mutation(family, missing, mutation);
    return;
  }
  const size_t n = family.members.size();
  for (size_t m = 0; m < table.size(); ++m) {
    MarkerTable& t = markers_[m];
    // The family's alleles here, and one "other" for every allele nobody typed carries: exact
    // without mutation, since untyped founders' alleles are exchangeable.
    for (const Member& member : family.members) {
      if (!member.typed() || !member.profile.markers[m].typed()) continue;
      t.informative = true;
      for (Allele a : {member.profile.markers[m].a, member.profile.markers[m].b}) {
        if (std::find(t.alleles.begin(), t.alleles.end(), a) == t.alleles.end())
          t.alleles.push_back(a);
      }
    }
    if (!t.informative) continue;
    std::sort(t.alleles.begin(), t.alleles.end());
    std::vector<double> p;
    double known = 0;
    for (Allele a : t.alleles) {
      p.push_back(table.frequency(m, a));
      known += p.back();
    }
    t.other_frequency = std::max(0.0, 1 - known);
    p.push_back(t.other_frequency);
    const size_t k = p.size();
    // Genotypes i <= j over the lumped alleles.
    std::vector<std::pair<size_t, size_t>> genotypes;
    std::vector<std::vector<size_t>> index(k, std::vector<size_t>(k));
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = i; j < k; ++j) {
        index[i][j] = index[j][i] = genotypes.size();
        genotypes.emplace_back(i, j);
      }
    }
    const size_t states = genotypes.size();
    const auto at = [&](Allele a) {
      return static_cast<size_t>(std::find(t.alleles.begin(), t.alleles.end(), a) -
                                 t.alleles.begin());
    };
    // Domains: a member typed here has the one genotype seen; any other, every genotype.
    std::vector<std::vector<size_t>> domain(n);
    std::vector<size_t> domain_size(n);
    for (size_t i = 0; i < n; ++i) {
      const Member& member = family.members[i];
      if (member.typed() && member.profile.markers[m].typed()) {
        const Genotype& g = member.profile.markers[m];
        domain[i] = {index[at(g.a)][at(g.b)]};
      } else {
        for (size_t s = 0; s < states; ++s) domain[i].push_back(s);
      }
      domain_size[i] = domain[i].size();
    }
    std::vector<Factor> factors;
    for (size_t i = 0; i < n; ++i) {
      const Member& member = family.members[i];
      Factor f;
      if (member.father < 0) {  // a founder: Hardy–Weinberg
        f.vars = {i};
        for (size_t g : domain[i]) {
          const auto [x, y] = genotypes[g];
          f.values.push_back(x == y ? p[x] * p[x] : 2 * p[x] * p[y]);
        }
      } else {  // Mendel: one allele from each parent, each of theirs with chance ½
        const size_t father = static_cast<size_t>(member.father);
        const size_t mother = static_cast<size_t>(member.mother);
        f.vars = {i, father, mother};
        f.values.assign(domain_size[i] * domain_size[father] * domain_size[mother], 0.0);
        for (size_t ci = 0; ci < domain_size[i]; ++ci) {
          const auto [c1, c2] = genotypes[domain[i][ci]];
          for (size_t fi = 0; fi < domain_size[father]; ++fi) {
            const auto [f1, f2] = genotypes[domain[father][fi]];
            for (size_t mi = 0; mi < domain_size[mother]; ++mi) {
              const auto [m1, m2] = genotypes[domain[mother][mi]];
              double chance = 0;
              for (size_t x : {f1, f2}) {
                for (size_t y : {m1, m2}) {
                  if ((x == c1 && y == c2) || (x == c2 && y == c1)) chance += 0.25;
                }
              }
              f.values[(ci * domain_size[father] + fi) * domain_size[mother] + mi] = chance;
            }
          }
        }
      }
      factors.push_back(std::move(f));
    }
    // Every member but the missing one summed out.
    std::vector<bool> keep(n, false);
    keep[missing] = true;
    const Factor over_missing = eliminate_all_but(std::move(factors), keep, domain_size);
    double total = 0;
    for (double v : over_missing.values) total += v;
    if (total <= 0) {
      throw core::InputError("family " + family.id, "marker", table.marker(m).name,
                             "the references are inconsistent with the pedigree (a mutation, "
                             "a sample swap or a wrong relationship)");
    }
    t.posterior.resize(states);
    for (size_t s = 0; s < states; ++s) t.posterior[s] = over_missing.values[s] / total;
  }
}

void MissingPersonLikelihood::tabulate_with_mutation(const Family& family, size_t missing,
                                                     const MutationModel& model) {
  const size_t n = family.members.size();
  for (size_t m = 0; m < table_.size(); ++m) {
    MarkerTable& t = markers_[m];
    for (const Member& member : family.members) {
      t.informative = t.informative || (member.typed() && member.profile.markers[m].typed());
    }
    if (!t.informative) continue;
    const Marker& marker = table_.marker(m);
    const size_t alleles = marker.alleles.size();
    t.alleles = marker.alleles;  // every allele: no lumping under mutation
    t.other_frequency = 0;
    const std::vector<double> male =
        mutation_matrix(marker, model.kind, model.rates_of(marker.name).first, model.range);
    const std::vector<double> female =
        mutation_matrix(marker, model.kind, model.rates_of(marker.name).second, model.range);
    // Variables: member i's paternal allele 2i and maternal allele 2i + 1, as allele indexes;
    // a typed member's alleles range over its two.
    std::vector<std::vector<size_t>> domain(2 * n);
    std::vector<size_t> domain_size(2 * n);
    for (size_t i = 0; i < n; ++i) {
      const Member& member = family.members[i];
      for (size_t v : {2 * i, 2 * i + 1}) {
        if (member.typed() && member.profile.markers[m].typed()) {
          const Genotype& g = member.profile.markers[m];
          const auto a = static_cast<size_t>(
              std::lower_bound(marker.alleles.begin(), marker.alleles.end(), g.a) -
              marker.alleles.begin());
          const auto b = static_cast<size_t>(
              std::lower_bound(marker.alleles.begin(), marker.alleles.end(), g.b) -
              marker.alleles.begin());
          if (a >= alleles || b >= alleles || marker.alleles[a] != g.a || marker.alleles[b] != g.b)
            throw std::logic_error("a reference allele missing from the table");
          domain[v] = a == b ? std::vector<size_t>{a} : std::vector<size_t>{a, b};
        } else {
          for (size_t x = 0; x < alleles; ++x) domain[v].push_back(x);
        }
        domain_size[v] = domain[v].size();
      }
    }
    std::vector<Factor> factors;
    for (size_t i = 0; i < n; ++i) {
      const Member& member = family.members[i];
      if (member.father < 0) {
        for (size_t v : {2 * i, 2 * i + 1}) {
          Factor f{{v}, {}};
          for (size_t x : domain[v]) f.values.push_back(marker.frequency[x]);
          factors.push_back(std::move(f));
        }
      } else {
        // The child's allele from one parent: either of the parent's, each ½, then mutated by
        // that parent's sex's matrix.
        for (int side = 0; side < 2; ++side) {
          const size_t parent = static_cast<size_t>(side == 0 ? member.father : member.mother);
          const std::vector<double>& matrix = side == 0 ? male : female;
          const size_t child_var = 2 * i + static_cast<size_t>(side);
          const size_t pa = 2 * parent, pm = 2 * parent + 1;
          Factor f{{child_var, pa, pm}, {}};
          f.values.reserve(domain_size[child_var] * domain_size[pa] * domain_size[pm]);
          for (size_t c : domain[child_var]) {
            for (size_t x : domain[pa]) {
              for (size_t y : domain[pm]) {
                f.values.push_back(0.5 * (matrix[x * alleles + c] + matrix[y * alleles + c]));
              }
            }
          }
          factors.push_back(std::move(f));
        }
      }
      if (member.typed() && member.profile.markers[m].typed() && domain_size[2 * i] == 2) {
        // A heterozygote's two alleles, in either order, and never twice the same one.
        Factor f{{2 * i, 2 * i + 1}, {0, 1, 1, 0}};
        factors.push_back(std::move(f));
      }
    }
    const size_t keep_a = 2 * missing, keep_b = 2 * missing + 1;
    std::vector<bool> keep(2 * n, false);
    keep[keep_a] = keep[keep_b] = true;
    // Over the missing member's two alleles.
    const Factor joint = eliminate_all_but(std::move(factors), keep, domain_size);
    // Order the result (paternal, maternal) whatever order the variables ended in.
    const bool swapped = joint.vars.size() == 2 && joint.vars[0] == keep_b;
    const size_t k = alleles + 1;  // the layout of the lumped tables, with an empty "other"
    t.posterior.assign(k * (k + 1) / 2, 0.0);
    double total = 0;
    for (size_t x = 0; x < alleles; ++x) {
      for (size_t y = 0; y < alleles; ++y) {
        const double v = swapped ? joint.values[y * alleles + x] : joint.values[x * alleles + y];
        const size_t i = std::min(x, y), j = std::max(x, y);
        t.posterior[i * k - i * (i - 1) / 2 + (j - i)] += v;
        total += v;
      }
    }
    if (total <= 0) {
      throw core::InputError("family " + family.id, "marker", marker.name,
                             "the references are impossible even with mutation");
    }
    for (double& v : t.posterior) v /= total;
  }
}

double MissingPersonLikelihood::lumped(const MarkerTable& t, size_t marker, Allele a,
                                       Allele b) const {
  const size_t k = t.alleles.size() + 1;
  const auto slot = [&](Allele x) {
    const auto it = std::lower_bound(t.alleles.begin(), t.alleles.end(), x);
    return it != t.alleles.end() && *it == x ? static_cast<size_t>(it - t.alleles.begin()) : k - 1;
  };
  size_t i = slot(a), j = slot(b);
  if (i > j) std::swap(i, j);
  const size_t index = i * k - i * (i - 1) / 2 + (j - i);  // genotypes i <= j, row by row
  double p = t.posterior[index];
  if (t.other_frequency <= 0) return i == k - 1 || j == k - 1 ? 0 : p;
  // An allele nobody typed: its share of "other".
  const double po = t.other_frequency;
  if (i != k - 1 && j == k - 1) return p * table_.frequency(marker, i == slot(a) ? b : a) / po;
  if (i == k - 1) {
    const double pa = table_.frequency(marker, a), pb = table_.frequency(marker, b);
    return p * (a == b ? pa * pa : 2 * pa * pb) / (po * po);
  }
  return p;
}

double MissingPersonLikelihood::genotype_probability(size_t marker, Allele a, Allele b) const {
  const MarkerTable& t = markers_[marker];
  if (!t.informative) {
    const double pa = table_.frequency(marker, a), pb = table_.frequency(marker, b);
    return a == b ? pa * pa : 2 * pa * pb;
  }
  return lumped(t, marker, a, b);
}

PairwiseResult MissingPersonLikelihood::lr(const Profile& remains) const {
  if (remains.markers.size() != table_.size())
    throw std::logic_error("profile read with another frequency table");
  PairwiseResult result;
  for (size_t m = 0; m < table_.size(); ++m) {
    const MarkerTable& t = markers_[m];
    if (!t.informative || !remains.markers[m].typed()) continue;
    double related = 0, unrelated = 0;
    for (const auto& g :
         kinship_internal::possible_genotypes(table_, m, remains.markers[m], remains.dropout)) {
      related += g.weight * lumped(t, m, g.a, g.b);
      unrelated += g.weight * (g.a == g.b ? g.pa * g.pa : 2 * g.pa * g.pb);
    }
    result.add_marker(m, related / unrelated);
  }
  return result;
}

}  // namespace athar::kinship

namespace athar::kinship {

namespace {

// Probability of a multiset of alleles drawn from a subdivided population (Balding–Nichols):
// the sampling formula, draw after draw (the order does not matter).
double joint_draws(const std::vector<std::pair<Allele, double>>& draws, double theta) {
  double p = 1;
  for (size_t k = 0; k < draws.size(); ++k) {
    int same = 0;
    for (size_t j = 0; j < k; ++j) same += draws[j].first == draws[k].first ? 1 : 0;
    p *=
        (same * theta + (1 - theta) * draws[k].second) / (1 + (static_cast<double>(k) - 1) * theta);
  }
  return p;
}

struct Constraint {
  size_t slot1, slot2;  // founder allele slots the person's alleles are copies of
  Allele a, b;          // what they must be (a <= b)
  double pa, pb;
};

// Σ over the assignments of allele values to the constrained slots (each constraint's two
// orders) of the joint sampling probability of the distinct slots' values; `extra` are further
// draws (an unrelated person's alleles).
double sum_assignments(const std::vector<Constraint>& constraints, size_t slots,
                       const std::vector<std::pair<Allele, double>>& extra, double theta) {
  std::vector<Allele> value(slots, 0);
  std::vector<double> freq(slots, 0);
  double total = 0;
  const std::function<void(size_t)> place = [&](size_t c) {
    if (c == constraints.size()) {
      std::vector<std::pair<Allele, double>> draws;
      for (size_t s = 0; s < slots; ++s) {
        if (value[s]) draws.emplace_back(value[s], freq[s]);
      }
      draws.insert(draws.end(), extra.begin(), extra.end());
      total += joint_draws(draws, theta);
      return;
    }
    const Constraint& k = constraints[c];
    const std::pair<Allele, double> orders[2][2] = {{{k.a, k.pa}, {k.b, k.pb}},
                                                    {{k.b, k.pb}, {k.a, k.pa}}};
    for (int o = 0; o < (k.a == k.b ? 1 : 2); ++o) {
      const Allele old1 = value[k.slot1], old2 = value[k.slot2];
      const double f1 = freq[k.slot1], f2 = freq[k.slot2];
      const auto [x, px] = orders[o][0];
      const auto [y, py] = orders[o][1];
      if ((old1 && old1 != x) || (old2 && old2 != y)) continue;  // a slot already holds another
      if (k.slot1 == k.slot2 && x != y) continue;
      value[k.slot1] = x;
      freq[k.slot1] = px;
      value[k.slot2] = y;
      freq[k.slot2] = py;
      place(c + 1);
      value[k.slot1] = old1;
      freq[k.slot1] = f1;
      value[k.slot2] = old2;
      freq[k.slot2] = f2;
    }
  };
  place(0);
  return total;
}

}  // namespace

namespace {

// The part of a pedigree that bears on the typed members and the missing one: those and their
// ancestors; then, repeatedly, an untyped founder couple whose only child is kept is dropped and
// the child becomes a founder. Both are exact with θ as without: what they drop are allele draws
// nobody observes, and the sampling formula marginalises over unobserved draws.
Family relevant_part(const Family& family, size_t missing, size_t* new_missing,
                     bool fold_founder_couples) {
  const size_t n = family.members.size();
  std::vector<bool> keep(n, false);
  std::vector<size_t> stack;
  for (size_t i = 0; i < n; ++i)
    if (family.members[i].typed() || i == missing) stack.push_back(i);
  while (!stack.empty()) {
    const size_t i = stack.back();
    stack.pop_back();
    if (keep[i]) continue;
    keep[i] = true;
    const Member& m = family.members[i];
    if (m.father >= 0) {
      stack.push_back(static_cast<size_t>(m.father));
      stack.push_back(static_cast<size_t>(m.mother));
    }
  }
  std::vector<int> father(n), mother(n);
  for (size_t i = 0; i < n; ++i) {
    father[i] = family.members[i].father;
    mother[i] = family.members[i].mother;
  }
  const auto is_founder = [&](size_t i) { return father[i] < 0; };
  const auto droppable = [&](size_t i) {
    return keep[i] && is_founder(i) && !family.members[i].typed() && i != missing;
  };
  // Not under mutation: the child would lose the mutation between its parents' draws and its own
  // alleles.
  for (bool changed = fold_founder_couples; changed;) {
    changed = false;
    for (size_t c = 0; c < n; ++c) {
      if (!keep[c] || is_founder(c)) continue;
      const auto f = static_cast<size_t>(father[c]), m = static_cast<size_t>(mother[c]);
      if (!droppable(f) || !droppable(m)) continue;
      size_t children_f = 0, children_m = 0;
      for (size_t k = 0; k < n; ++k) {
        if (!keep[k] || is_founder(k)) continue;
        children_f += static_cast<size_t>(father[k]) == f || static_cast<size_t>(mother[k]) == f;
        children_m += static_cast<size_t>(father[k]) == m || static_cast<size_t>(mother[k]) == m;
      }
      if (children_f != 1 || children_m != 1) continue;
      keep[f] = keep[m] = false;
      father[c] = mother[c] = -1;
      changed = true;
    }
  }
  Family out;
  out.id = family.id;
  std::vector<int> index(n, -1);
  std::vector<size_t> from;  // the original index of each kept member
  for (size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    index[i] = static_cast<int>(out.members.size());
    from.push_back(i);
    out.members.push_back(family.members[i]);
  }
  for (size_t k = 0; k < out.members.size(); ++k) {
    const size_t i = from[k];
    out.members[k].father = father[i] < 0 ? -1 : index[static_cast<size_t>(father[i])];
    out.members[k].mother = mother[i] < 0 ? -1 : index[static_cast<size_t>(mother[i])];
  }
  *new_missing = static_cast<size_t>(index[missing]);
  return out;
}

}  // namespace

namespace {

// Some member typed at marker `m`.
bool typed_at(const Family& family, size_t m) {
  for (const Member& member : family.members)
    if (member.typed() && member.profile.markers[m].typed()) return true;
  return false;
}

// The allele's index in the marker's (ascending) alleles; SIZE_MAX when the table lacks it.
size_t allele_index(const Marker& marker, Allele x) {
  const auto it = std::lower_bound(marker.alleles.begin(), marker.alleles.end(), x);
  return it != marker.alleles.end() && *it == x ? static_cast<size_t>(it - marker.alleles.begin())
                                                : SIZE_MAX;
}

// Founders own two allele slots each; a non-founder's alleles are copies of its parents'.
struct PedigreeLayout {
  std::vector<size_t> founder_slot;  // SIZE_MAX for a non-founder
  std::vector<size_t> non_founders;  // parents first
  size_t slots = 0;
};

PedigreeLayout layout_of(const Family& family, double theta) {
  const size_t n = family.members.size();
  PedigreeLayout l;
  l.founder_slot.assign(n, SIZE_MAX);
  for (size_t i = 0; i < n; ++i) {
    if (family.members[i].father < 0) {
      l.founder_slot[i] = l.slots;
      l.slots += 2;
    }
  }
  std::vector<bool> placed(n, false);
  for (size_t i = 0; i < n; ++i) placed[i] = family.members[i].father < 0;
  while (l.non_founders.size() + l.slots / 2 < n) {
    for (size_t i = 0; i < n; ++i) {
      const Member& m = family.members[i];
      if (placed[i] || !placed[static_cast<size_t>(m.father)] ||
          !placed[static_cast<size_t>(m.mother)])
        continue;
      placed[i] = true;
      l.non_founders.push_back(i);
    }
  }
  if (l.non_founders.size() > 10) {
    throw core::InputError("family " + family.id, "theta", core::shortest_number(theta),
                           "θ in a pedigree is computed for at most 10 non-founders that bear on "
                           "the typed members and the missing one");
  }
  return l;
}

void check_theta_range(double theta) {
  if (!(theta >= 0 && theta < 0.5))
    throw core::InputError("kinship", "theta", core::shortest_number(theta),
                           "a number in [0, 0.5)");
}

PairwiseResult lr_theta_without_mutation(const FrequencyTable& table, const Family& family,
                                         size_t missing, const Profile& remains, double theta) {
  const size_t n = family.members.size();
  const PedigreeLayout layout = layout_of(family, theta);
  const std::vector<size_t>& founder_slot = layout.founder_slot;
  const std::vector<size_t>& non_founders = layout.non_founders;
  const size_t slots = layout.slots;
  PairwiseResult result;
  const size_t patterns = size_t{1} << (2 * non_founders.size());
  std::vector<std::array<size_t, 2>> source(n);
  for (size_t m = 0; m < table.size(); ++m) {
    if (!typed_at(family, m) || !remains.markers[m].typed()) continue;
    const auto possible =
        kinship_internal::possible_genotypes(table, m, remains.markers[m], remains.dropout);
    double related = 0, unrelated = 0;
    for (size_t v = 0; v < patterns; ++v) {
      for (size_t i = 0; i < n; ++i) {
        if (founder_slot[i] != SIZE_MAX) source[i] = {founder_slot[i], founder_slot[i] + 1};
      }
      for (size_t k = 0; k < non_founders.size(); ++k) {
        const Member& c = family.members[non_founders[k]];
        source[non_founders[k]] = {source[static_cast<size_t>(c.father)][v >> (2 * k) & 1],
                                   source[static_cast<size_t>(c.mother)][v >> (2 * k + 1) & 1]};
      }
      std::vector<Constraint> constraints;
      for (size_t i = 0; i < n; ++i) {
        const Member& member = family.members[i];
        if (!member.typed() || !member.profile.markers[m].typed()) continue;
        const Genotype& g = member.profile.markers[m];
        constraints.push_back({source[i][0], source[i][1], g.a, g.b, table.frequency(m, g.a),
                               table.frequency(m, g.b)});
      }
      for (const auto& g : possible) {
        std::vector<Constraint> with_missing = constraints;
        with_missing.push_back({source[missing][0], source[missing][1], g.a, g.b, g.pa, g.pb});
        related += g.weight * sum_assignments(with_missing, slots, {}, theta);
        const double orders = g.a == g.b ? 1 : 2;
        unrelated += g.weight * orders *
                     sum_assignments(constraints, slots, {{g.a, g.pa}, {g.b, g.pb}}, theta);
      }
    }
    result.add_marker(m, unrelated > 0 ? related / unrelated : 0);
  }
  return result;
}

// Σ over the values of some allele draws of P_θ(values) · Π_s L_s(value_s), P_θ the sampling
// formula. P_θ depends on the values only through how many draws hold each allele, so the sum
// runs allele by allele over which subset of the draws holds it: O(alleles · 3^draws), where the
// values one by one would be O(alleles^draws).
class DrawSum {
 public:
  // likelihood[s][a]: L_s of allele a; frequency[a].
  double operator()(const std::vector<std::vector<double>>& likelihood,
                    const std::vector<double>& frequency, double theta) {
    const size_t draws = likelihood.size(), full = size_t{1} << draws;
    sum_.assign(full, 0.0);
    sum_[0] = 1;
    next_.resize(full);
    held_.resize(full);
    rising_.resize(draws + 1);
    for (size_t a = 0; a < frequency.size(); ++a) {
      bool possible = false;
      for (size_t s = 0; s < draws; ++s) possible = possible || likelihood[s][a] > 0;
      if (!possible) continue;  // no draw can hold it: the subsets holding it are empty
      // rising_[k]: the sampling formula's numerators for k draws of allele a.
      rising_[0] = 1;
      for (size_t k = 1; k <= draws; ++k)
        rising_[k] =
            rising_[k - 1] * ((static_cast<double>(k) - 1) * theta + (1 - theta) * frequency[a]);
      held_[0] = 1;
      for (size_t t = 1; t < full; ++t) {
        const size_t low = t & (~t + 1);
        held_[t] = held_[t ^ low] * likelihood[static_cast<size_t>(std::countr_zero(t))][a];
      }
      for (size_t t = 1; t < full; ++t) held_[t] *= rising_[static_cast<size_t>(std::popcount(t))];
      for (size_t u = 0; u < full; ++u) {
        double total = sum_[u];
        for (size_t t = u; t > 0; t = (t - 1) & u) total += sum_[u ^ t] * held_[t];
        next_[u] = total;
      }
      sum_.swap(next_);
    }
    double denominator = 1;
    for (size_t k = 0; k < draws; ++k) denominator *= 1 + (static_cast<double>(k) - 1) * theta;
    return sum_[full - 1] / denominator;
  }

 private:
  std::vector<double> sum_, next_, held_, rising_;
};

// θ and a mutation model together. For one inheritance pattern (which parental copy each child
// received) and one phase of every typed heterozygote, each observed allele copy descends from one
// founder slot through transmissions that may mutate, so the likelihood is a product over the
// slots of L_s(the slot's value), each peeled down its own tree; the slots' values are then summed
// jointly under the sampling formula (DrawSum). The remains under "unrelated" are two more draws.
PairwiseResult lr_theta_with_mutation(const FrequencyTable& table, const Family& family,
                                      size_t missing, const Profile& remains,
                                      const MutationModel& model, double theta) {
  const size_t n = family.members.size();
  const PedigreeLayout layout = layout_of(family, theta);
  const size_t patterns = size_t{1} << (2 * layout.non_founders.size());
  PairwiseResult result;
  DrawSum draw_sum;
  for (size_t m = 0; m < table.size(); ++m) {
    if (!typed_at(family, m) || !remains.markers[m].typed()) continue;
    const Marker& marker = table.marker(m);
    const size_t alleles = marker.alleles.size();
    const auto index_of = [&](Allele x) { return allele_index(marker, x); };
    const std::vector<double> male =
        mutation_matrix(marker, model.kind, model.rates_of(marker.name).first, model.range);
    const std::vector<double> female =
        mutation_matrix(marker, model.kind, model.rates_of(marker.name).second, model.range);
    // Observed copies: member i's paternal copy 2i, maternal 2i + 1, as allele indexes.
    struct Observed {
      size_t member, a, b;
      bool founder;
    };
    std::vector<Observed> references;
    for (size_t i = 0; i < n; ++i) {
      const Member& member = family.members[i];
      if (!member.typed() || !member.profile.markers[m].typed()) continue;
      const Genotype& g = member.profile.markers[m];
      const size_t a = index_of(g.a), b = index_of(g.b);
      if (a == SIZE_MAX || b == SIZE_MAX)
        throw std::logic_error("a reference allele missing from the table");
      references.push_back({i, a, b, layout.founder_slot[i] != SIZE_MAX});
    }
    // The work: patterns × phases of the typed non-founders × alleles × 3^(draws), a founder
    // holding at most as many observed draws as it has children (two if typed).
    size_t draws = 2, phased = 1;
    for (size_t i = 0; i < n; ++i) {
      const Member& member = family.members[i];
      const bool typed = member.typed() && member.profile.markers[m].typed();
      if (layout.founder_slot[i] == SIZE_MAX) {
        phased += typed ? 1 : 0;
        continue;
      }
      size_t children = 0;
      for (const Member& c : family.members)
        children += static_cast<size_t>(c.father) == i || static_cast<size_t>(c.mother) == i;
      draws += typed || i == missing ? 2 : std::min<size_t>(2, children);
    }
    const double work = static_cast<double>(patterns) * std::pow(2.0, static_cast<double>(phased)) *
                        static_cast<double>(alleles) *
                        std::pow(3.0, static_cast<double>(std::min<size_t>(draws, 40)));
    if (draws > 20 || work > 4e9) {
      throw core::InputError("family " + family.id, "theta", core::shortest_number(theta),
                             "θ with a mutation model is computed for smaller pedigrees (this one "
                             "would take about " +
                                 core::shortest_number(std::round(work / 1e9)) +
                                 "·10⁹ steps at marker " + marker.name + ")");
    }
    // The frequencies of the draws' possible values: the table's alleles, then any allele of the
    // remains the table lacks (only an unrelated person's draw can hold it).
    std::vector<double> frequency = marker.frequency;
    std::vector<Observed> observed;
    std::vector<size_t> parent_copy(2 * n, SIZE_MAX);
    std::vector<const std::vector<double>*> matrix(2 * n, nullptr);
    std::vector<std::vector<double>> below(2 * n, std::vector<double>(alleles));
    std::vector<char> seen_below(2 * n);
    std::vector<std::vector<double>> likelihood;
    // P(the observed copies | the pattern) summed over the phases of `observed`, with `extra`
    // draws of fixed values (allele indexes into `frequency`).
    const auto over_phases = [&](const std::vector<size_t>& extra) {
      double total = 0;
      const size_t phases = size_t{1} << observed.size();
      // A founder's other phase is its copies' patterns flipped, which the sum over the patterns
      // already holds: one phase, counted twice.
      double founder_phases = 1;
      for (const Observed& o : observed) founder_phases *= o.founder && o.a != o.b ? 2 : 1;
      for (size_t phase = 0; phase < phases; ++phase) {
        bool repeated = false;
        for (size_t k = 0; k < observed.size(); ++k) {
          repeated = repeated ||
                     ((observed[k].a == observed[k].b || observed[k].founder) && (phase >> k & 1));
        }
        if (repeated) continue;  // a homozygote has one phase
        for (size_t c = 0; c < 2 * n; ++c) {
          std::fill(below[c].begin(), below[c].end(), 1.0);
          seen_below[c] = 0;
        }
        for (size_t k = 0; k < observed.size(); ++k) {
          const bool flip = phase >> k & 1;
          const size_t values[2] = {flip ? observed[k].b : observed[k].a,
                                    flip ? observed[k].a : observed[k].b};
          for (size_t side = 0; side < 2; ++side) {
            const size_t copy = 2 * observed[k].member + side;
            for (size_t x = 0; x < alleles; ++x) below[copy][x] = x == values[side] ? 1.0 : 0.0;
            seen_below[copy] = 1;
          }
        }
        // Children before parents: each copy passes P(what is seen below it | its parent copy's
        // value) up to the copy it came from.
        for (size_t k = layout.non_founders.size(); k-- > 0;) {
          for (size_t side = 0; side < 2; ++side) {
            const size_t copy = 2 * layout.non_founders[k] + side;
            if (!seen_below[copy]) continue;
            const std::vector<double>& mutate = *matrix[copy];
            std::vector<double>& up = below[parent_copy[copy]];
            for (size_t x = 0; x < alleles; ++x) {
              double p = 0;
              for (size_t y = 0; y < alleles; ++y) p += mutate[x * alleles + y] * below[copy][y];
              up[x] *= p;
            }
            seen_below[parent_copy[copy]] = 1;
          }
        }
        likelihood.clear();
        for (size_t i = 0; i < n; ++i) {
          if (layout.founder_slot[i] == SIZE_MAX) continue;
          for (size_t copy : {2 * i, 2 * i + 1}) {
            if (!seen_below[copy]) continue;  // L ≡ 1: an unobserved draw sums out
            likelihood.push_back(below[copy]);
            likelihood.back().resize(frequency.size(), 0.0);
          }
        }
        for (size_t value : extra) {
          likelihood.emplace_back(frequency.size(), 0.0);
          likelihood.back()[value] = 1;
        }
        total += draw_sum(likelihood, frequency, theta);
      }
      return total * founder_phases;
    };
    double related = 0, unrelated = 0;
    const auto possible =
        kinship_internal::possible_genotypes(table, m, remains.markers[m], remains.dropout);
    for (size_t v = 0; v < patterns; ++v) {
      for (size_t k = 0; k < layout.non_founders.size(); ++k) {
        const size_t i = layout.non_founders[k];
        const Member& c = family.members[i];
        parent_copy[2 * i] = 2 * static_cast<size_t>(c.father) + (v >> (2 * k) & 1);
        parent_copy[2 * i + 1] = 2 * static_cast<size_t>(c.mother) + (v >> (2 * k + 1) & 1);
        matrix[2 * i] = &male;
        matrix[2 * i + 1] = &female;
      }
      for (const auto& g : possible) {
        frequency.resize(alleles);
        size_t a = index_of(g.a), b = index_of(g.b);
        const bool known = a != SIZE_MAX && b != SIZE_MAX;
        if (a == SIZE_MAX) {
          a = frequency.size();
          frequency.push_back(g.pa);
        }
        if (b == SIZE_MAX) {
          b = g.b == g.a ? a : frequency.size();
          if (b == frequency.size()) frequency.push_back(g.pb);
        }
        observed = references;
        const double orders = g.a == g.b ? 1 : 2;
        unrelated += g.weight * orders * over_phases({a, b});
        if (!known) continue;  // the missing member's alleles are the table's
        observed.push_back({missing, a, b, layout.founder_slot[missing] != SIZE_MAX});
        related += g.weight * over_phases({});
      }
    }
    result.add_marker(m, unrelated > 0 ? related / unrelated : 0);
  }
  return result;
}

// θ (with or without mutation) in a pedigree of one generation: every non-founder a child of two
// founders. The founders' allele values are enumerated, drawn jointly under the sampling formula,
// and given them the children are independent: P(child's genotype | its parents' four alleles).
// O(alleles^(untyped founders' draws) · members), whatever the number of children — for the
// large sibships the inheritance patterns cannot take.
PairwiseResult lr_theta_by_founder_values(const FrequencyTable& table, const Family& family,
                                          size_t missing, const Profile& remains,
                                          const MutationModel& model, double theta) {
  const size_t n = family.members.size();
  std::vector<size_t> founders, children;
  for (size_t i = 0; i < n; ++i) (family.members[i].father < 0 ? founders : children).push_back(i);
  std::vector<size_t> slot_of(n, SIZE_MAX);
  for (size_t k = 0; k < founders.size(); ++k) slot_of[founders[k]] = 2 * k;
  PairwiseResult result;
  for (size_t m = 0; m < table.size(); ++m) {
    if (!typed_at(family, m) || !remains.markers[m].typed()) continue;
    const Marker& marker = table.marker(m);
    const size_t alleles = marker.alleles.size();
    const auto index_of = [&](Allele x) { return allele_index(marker, x); };
    const bool mutates = model.kind != MutationModel::Kind::kNone;
    const std::vector<double> male =
        mutates
            ? mutation_matrix(marker, model.kind, model.rates_of(marker.name).first, model.range)
            : std::vector<double>{};
    const std::vector<double> female =
        mutates
            ? mutation_matrix(marker, model.kind, model.rates_of(marker.name).second, model.range)
            : std::vector<double>{};
    const auto pass = [&](const std::vector<double>& matrix, size_t from, size_t to) {
      return mutates ? matrix[from * alleles + to] : from == to ? 1.0 : 0.0;
    };
    // Each slot's possible values: a typed founder's own two alleles, any allele otherwise.
    std::vector<std::vector<size_t>> domain(2 * founders.size());
    double work = static_cast<double>(n);
    for (size_t k = 0; k < founders.size(); ++k) {
      const Member& f = family.members[founders[k]];
      std::vector<size_t> values;
      if (f.typed() && f.profile.markers[m].typed()) {
        const size_t a = index_of(f.profile.markers[m].a), b = index_of(f.profile.markers[m].b);
        if (a == SIZE_MAX || b == SIZE_MAX)
          throw std::logic_error("a reference allele missing from the table");
        values = a == b ? std::vector<size_t>{a} : std::vector<size_t>{a, b};
      } else {
        for (size_t x = 0; x < alleles; ++x) values.push_back(x);
      }
      domain[2 * k] = domain[2 * k + 1] = values;
      work *= static_cast<double>(values.size() * values.size());
    }
    if (work > 4e9) {
      throw core::InputError("family " + family.id, "theta", core::shortest_number(theta),
                             "θ in a pedigree is computed for at most 10 non-founders that bear on "
                             "the typed members and the missing one, or for children of founders "
                             "with at most two untyped founders");
    }
    // P(a child of founders with slot values `x` shows {a, b}) (allele indexes; SIZE_MAX: an
    // allele the table lacks, which no child of the family can carry).
    const auto child = [&](const std::vector<size_t>& x, const Member& c, size_t a, size_t b) {
      const size_t fs = slot_of[static_cast<size_t>(c.father)];
      const size_t ms = slot_of[static_cast<size_t>(c.mother)];
      const auto from_father = [&](size_t y) {
        return 0.5 * (pass(male, x[fs], y) + pass(male, x[fs + 1], y));
      };
      const auto from_mother = [&](size_t y) {
        return 0.5 * (pass(female, x[ms], y) + pass(female, x[ms + 1], y));
      };
      if (a == SIZE_MAX || b == SIZE_MAX) return 0.0;
      return a == b ? from_father(a) * from_mother(a)
                    : from_father(a) * from_mother(b) + from_father(b) * from_mother(a);
    };
    const auto possible =
        kinship_internal::possible_genotypes(table, m, remains.markers[m], remains.dropout);
    std::vector<double> related(possible.size(), 0.0), unrelated(possible.size(), 0.0);
    std::vector<size_t> x(domain.size());
    std::vector<size_t> count(alleles, 0);
    // Depth-first over the slots, the sampling formula draw after draw.
    const std::function<void(size_t, double)> draw = [&](size_t slot, double p) {
      if (slot == domain.size()) {
        double references = 1;
        for (size_t i = 0; i < n && references > 0; ++i) {
          const Member& member = family.members[i];
          if (!member.typed() || !member.profile.markers[m].typed()) continue;
          if (slot_of[i] != SIZE_MAX) {  // a typed founder: its slots hold its alleles
            const size_t a = index_of(member.profile.markers[m].a),
                         b = index_of(member.profile.markers[m].b);
            const size_t u = x[slot_of[i]], v = x[slot_of[i] + 1];
            references *= (u == a && v == b) || (u == b && v == a) ? 1.0 : 0.0;
          } else {
            references *= child(x, member, index_of(member.profile.markers[m].a),
                                index_of(member.profile.markers[m].b));
          }
        }
        if (references <= 0) return;
        const double drawn = static_cast<double>(domain.size());
        for (size_t g = 0; g < possible.size(); ++g) {
          const size_t a = index_of(possible[g].a), b = index_of(possible[g].b);
          const Member& lost = family.members[missing];
          if (slot_of[missing] != SIZE_MAX) {
            const size_t u = x[slot_of[missing]], v = x[slot_of[missing] + 1];
            related[g] += p * references * ((u == a && v == b) || (u == b && v == a) ? 1.0 : 0.0);
          } else {
            related[g] += p * references * child(x, lost, a, b);
          }
          // Unrelated: the remains' two alleles are two more draws.
          const double same_a = a == SIZE_MAX ? 0 : static_cast<double>(count[a]);
          const double first =
              (same_a * theta + (1 - theta) * possible[g].pa) / (1 + (drawn - 1) * theta);
          const double same_b = (b == SIZE_MAX ? 0 : static_cast<double>(count[b])) +
                                (possible[g].a == possible[g].b ? 1 : 0);
          const double second =
              (same_b * theta + (1 - theta) * possible[g].pb) / (1 + drawn * theta);
          const double orders = possible[g].a == possible[g].b ? 1 : 2;
          unrelated[g] += p * references * orders * first * second;
        }
        return;
      }
      const double drawn = static_cast<double>(slot);
      for (size_t value : domain[slot]) {
        const double q =
            (static_cast<double>(count[value]) * theta + (1 - theta) * marker.frequency[value]) /
            (1 + (drawn - 1) * theta);
        x[slot] = value;
        ++count[value];
        draw(slot + 1, p * q);
        --count[value];
      }
    };
    draw(0, 1.0);
    double numerator = 0, denominator = 0;
    for (size_t g = 0; g < possible.size(); ++g) {
      numerator += possible[g].weight * related[g];
      denominator += possible[g].weight * unrelated[g];
    }
    result.add_marker(m, denominator > 0 ? numerator / denominator : 0);
  }
  return result;
}

bool one_generation(const Family& family) {
  for (const Member& m : family.members) {
    if (m.father < 0) continue;
    if (family.members[static_cast<size_t>(m.father)].father >= 0 ||
        family.members[static_cast<size_t>(m.mother)].father >= 0)
      return false;
  }
  return true;
}

size_t non_founders(const Family& family) {
  size_t count = 0;
  for (const Member& m : family.members) count += m.father >= 0 ? 1 : 0;
  return count;
}

}  // namespace

PairwiseResult missing_person_lr_theta_by_founder_values(const FrequencyTable& table,
                                                         const Family& whole, size_t whole_missing,
                                                         const Profile& remains, double theta,
                                                         const MutationModel& mutation) {
  check_family(whole);
  check_theta_range(theta);
  size_t missing = 0;
  const Family family =
      relevant_part(whole, whole_missing, &missing, mutation.kind == MutationModel::Kind::kNone);
  if (!one_generation(family))
    throw core::InputError("family " + family.id, "theta", core::shortest_number(theta),
                           "the founders' values are enumerated for children of founders only");
  return lr_theta_by_founder_values(table, family, missing, remains, mutation, theta);
}

PairwiseResult missing_person_lr_theta(const FrequencyTable& table, const Family& whole,
                                       size_t whole_missing, const Profile& remains, double theta,
                                       const MutationModel& mutation) {
  check_family(whole);
  check_theta_range(theta);
  const bool mutates = mutation.kind != MutationModel::Kind::kNone;
  size_t missing = 0;
  const Family family = relevant_part(whole, whole_missing, &missing, !mutates);
  // A large sibship has too many inheritance patterns; its founders' values are few.
  if (non_founders(family) > 10 && one_generation(family))
    return lr_theta_by_founder_values(table, family, missing, remains, mutation, theta);
  return mutates ? lr_theta_with_mutation(table, family, missing, remains, mutation, theta)
                 : lr_theta_without_mutation(table, family, missing, remains, theta);
}

PairwiseResult missing_person_lr(const FrequencyTable& table, const Family& family, size_t missing,
                                 const Profile& remains, const MutationModel& mutation,
                                 double theta) {
  return theta > 0 ? missing_person_lr_theta(table, family, missing, remains, theta, mutation)
                   : MissingPersonLikelihood(table, family, missing, mutation).lr(remains);
}

}  // namespace athar::kinship
