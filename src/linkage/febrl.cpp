#include "linkage/febrl.h"

#include <fstream>

#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::linkage {

FebrlData read_febrl(const std::string& path) {
  core::CsvReader csv(path);
  std::vector<std::string_view> row;
  if (!csv.next(row)) throw core::InputError(path, "", "", "empty file");
  std::vector<std::string> header;
  for (auto h : row) header.emplace_back(core::trim(h));
  if (header.size() != 11 || header[0] != "rec_id") {
    throw core::InputError(path + " row 1", "", "", "not a FEBRL file (rec_id, given_name, ...)");
  }
  std::vector<std::string> columns(header.begin() + 1, header.end());
  columns.push_back("birth_year");
  FebrlData out{Dataset(columns), {}};
  std::vector<std::string> values;
  while (csv.next(row)) {
    if (row.size() != 11) throw core::InputError(csv.location(), "", "", "expected 11 columns");
    values.clear();
    for (size_t c = 1; c < row.size(); ++c) values.emplace_back(core::trim(row[c]));
    values.push_back(values[8].size() >= 4 ? values[8].substr(0, 4) : "");
    const std::string id(core::trim(row[0]));
    const size_t dash = id.find('-', 4);
    out.truth.push_back(id.substr(4, dash == std::string::npos ? std::string::npos : dash - 4));
    out.data.add("febrl", values, id);
  }
  return out;
}

LinkageConfig febrl_all_fields() {
  LinkageConfig c;
  c.fields = {{"given_name", Comparison::kName, true},    {"surname", Comparison::kName, true},
              {"street_number", Comparison::kIdentifier}, {"address_1", Comparison::kString},
              {"address_2", Comparison::kString},         {"suburb", Comparison::kString, true},
              {"postcode", Comparison::kIdentifier},      {"state", Comparison::kExact},
              {"date_of_birth", Comparison::kDate},       {"soc_sec_id", Comparison::kIdentifier}};
  c.swappable = {{"given_name", "surname"}};
  c.blocking = {{{"soc_sec_id"}},
                {{"surname", "date_of_birth"}},
                {{"given_name", "postcode"}},
                {{"surname", "suburb"}},
                {{"given_name", "date_of_birth"}},
                {{"date_of_birth"}},
                {{"postcode"}},
                {{"address_1"}}};
  return c;
}

std::vector<std::string> write_febrl_as_person_list(const std::string& febrl_path,
                                                    const std::string& csv_path) {
  const FebrlData f = read_febrl(febrl_path);
  const Dataset& d = f.data;
  const auto column = [&](const char* name) { return static_cast<size_t>(d.column(name)); };
  const size_t given = column("given_name"), surname = column("surname"),
               birth = column("date_of_birth"), suburb = column("suburb");
  std::ofstream out(csv_path);
  out << "id,given_name_lat,family_name_lat,birth_date,birthplace\n";
  for (size_t r = 0; r < d.size(); ++r) {
    std::string date = d.value(r, birth);
    if (date.size() == 8 && date.find_first_not_of("0123456789") == std::string::npos)
      date = date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
    out << d.id(r) << ',' << d.value(r, given) << ',' << d.value(r, surname) << ',' << date << ','
        << d.value(r, suburb) << '\n';
  }
  if (!out.flush()) throw core::Unavailable("cannot write " + csv_path);
  return f.truth;
}

}  // namespace athar::linkage
