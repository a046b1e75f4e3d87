#include "app/identification_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/analyses.h"
#include "app/records.h"
#include "app/screening.h"
#include "core/date.h"
#include "core/error.h"
#include "core/text.h"
#include "kinship/screening.h"
#include "ledger/hash.h"
#include "matching/identification.h"
#include "matching/kinship_store.h"
#include "plot/document.h"

namespace athar::app {

namespace {

constexpr const char* kWhere = "identification report";

// The decision that identified: a final confirmation, by person or by candidate.
// `also`: the other remains records identified as the same person.
matching::KinshipDecision find_decision(registry::Registry& reg, const ReportRequest& request,
                                        std::vector<std::string>* also) {
  const bool by_person = !request.person.empty();
  if (by_person == !request.remains.empty())
    throw core::InputError(kWhere, "person", request.person,
                           "name a person, or the remains sample and the family, not both");
  if (!by_person && request.family.empty())
    throw core::InputError(kWhere, "family", "", "name the family with the remains sample");
  std::vector<matching::KinshipDecision> found;
  for (auto& d : matching::kinship_decisions(reg)) {
    const bool wanted = by_person ? d.family == request.person && !d.identified.empty()
                                  : d.remains == request.remains && d.family == request.family &&
                                        (request.member.empty() || d.member == request.member);
    if (wanted) found.push_back(std::move(d));
  }
  const std::string field = by_person ? "person" : "remains";
  const std::string value = by_person ? request.person : request.remains;
  if (found.empty())
    throw core::InputError(kWhere, field, value,
                           by_person ? "no confirmed identification of this person"
                                     : "no decision on this remains sample and family");
  if (by_person) {
    // Fragments of one body may each be identified: the report rests on the strongest, and
    // names the others.
    std::erase_if(found,
                  [](const auto& d) { return d.decision != "confirmed" || d.state != "final"; });
    if (found.empty())
      throw core::InputError(kWhere, field, value, "no final confirmed identification");
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::stod(a.exact_log10_lr) > std::stod(b.exact_log10_lr);
    });
    if (also) {
      for (size_t i = 1; i < found.size(); ++i)
        also->push_back(found[i].identified + " (" + found[i].remains + ")");
    }
  } else if (found.size() > 1) {
    throw core::InputError(kWhere, "member", request.member,
                           "several missing members have decisions: name one");
  }
  matching::KinshipDecision d = std::move(found[0]);
  if (d.decision != "confirmed")
    throw core::InputError(kWhere, field, value, "the decision is a rejection: nothing to report");
  if (d.state != "final")
    throw core::InputError(kWhere, field, value,
                           d.state == "awaiting_second_review"
                               ? "the confirmation awaits a second reviewer"
                               : "the decision was made before the identification workflow: "
                                 "decide again to recompute the LR");
  return d;
}

// "mutation stepwise, theta 0.01, …" as decide_kinship writes it.
DecisionSettings settings_of(const matching::KinshipDecision& d) {
  DecisionSettings s;
  const std::string& m = d.model;
  const size_t mutation = m.find("mutation "), theta = m.find("theta ");
  if (mutation == std::string::npos || theta == std::string::npos)
    throw core::InputError(kWhere, "model", m, "not a decision's model (mutation …, theta …)");
  const size_t end = m.find(',', mutation);
  s.mutation = m.substr(mutation + 9, end - mutation - 9);
  s.theta = std::stod(m.substr(theta + 6));
  s.threshold = d.threshold.empty() ? 10000 : std::stod(d.threshold);
  return s;
}

std::string superscript(long value) {
  static const char* const kDigits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string digits = std::to_string(std::labs(value)), out = value < 0 ? "⁻" : "";
  for (char c : digits) out += kDigits[c - '0'];
  return out;
}

// An LR as people read it: 31,623 or 2.04 × 10⁹.
std::string lr_text(double log10_lr) {
  if (log10_lr == -INFINITY) return "0";
  if (log10_lr < 6) {
    const double v = std::pow(10.0, log10_lr);
    if (v >= 10) return core::with_thousands(static_cast<uint64_t>(std::llround(v)));
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
  }
  long exponent = static_cast<long>(std::floor(log10_lr));
  double mantissa = std::pow(10.0, log10_lr - static_cast<double>(exponent));
  if (mantissa >= 9.995) {
    mantissa /= 10;
    ++exponent;
  }
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", mantissa);
  return std::string(b) + " × 10" + superscript(exponent);
}

std::string fixed(double v, int digits) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

std::string probability_text(double p) {
  if (p > 0.999999 && p < 1) return "> 0.999999";
  if (p > 0 && p < 1e-6) return "< 0.000001";
  return fixed(p, 6);
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// The report's words in one language.
struct Words {
  const char* lang;
  std::map<std::string, std::string> text;
  const std::string& operator[](const std::string& key) const { return text.at(key); }
};

const Words& words(const std::string& language) {
  static const Words en{
      "en",
      {{"title", "Identification report"},
       {"subtitle", "Identification of human remains by DNA kinship analysis · Athar {version}"},
       {"conclusion", "Conclusion"},
       {"concluded",
        "The remains {remains} are identified as {person}. The DNA profile of the remains is "
        "{lr} times more likely if they are {member} of family {family} than if they are a "
        "person unrelated to that family. With a prior probability of {prior}, the posterior "
        "probability is {posterior}."},
       {"at_threshold",
        "The likelihood ratio is at or above the reporting threshold of {threshold}; the "
        "identification was confirmed by {reviewers}."},
       {"below_threshold",
        "The likelihood ratio is below the reporting threshold of {threshold}; the "
        "identification was confirmed by two reviewers, {reviewers}, on the evidence as a "
        "whole."},
       {"several_missing",
        "Family {family} has {count} missing members; this likelihood ratio is for {member} "
        "alone."},
       {"lineage_note",
        "This likelihood ratio is the product of the autosomal STR markers' ({autosomal}) and "
        "the {line}'s ({lineage}), which are inherited independently."},
       {"line_y", "paternal line (Y-STR)"},
       {"line_mt", "maternal line (mtDNA)"},
       {"lineage_heading", "Lineage markers"},
       {"lineage_relative", "Relative on the line"},
       {"lineage_conclusion", "Comparison"},
       {"lineage_frequency", "Haplotype seen in the database"},
       {"lineage_frequency_text",
        "{seen} of {size}; upper bound {upper} at {confidence} confidence"},
       {"lineage_database", "Haplotype database (SHA-256)"},
       {"autosomal_lr", "Autosomal STR LR"},
       {"lineage_lr", "Lineage LR"},
       {"meioses", "{relation}, {meioses} meioses"},
       {"the_person", "The missing person"},
       {"person", "Person"},
       {"status", "Status"},
       {"the_remains", "The remains"},
       {"remains_record", "Remains record"},
       {"recovered_at", "Recovered at"},
       {"label", "Grave / field number"},
       {"recovered_on", "Recovered on"},
       {"remains_sample", "Sample"},
       {"profile", "DNA profile"},
       {"references", "Family references"},
       {"also_identified",
        "Other remains identified as the same person (fragments of one body): {list}."},
       {"relative", "Relative's sample"},
       {"relation", "Relation"},
       {"sample_number", "Laboratory number"},
       {"markers_typed", "Markers typed"},
       {"evaluation", "Statistical evaluation"},
       {"lr", "Likelihood ratio (LR)"},
       {"log10_lr", "log₁₀ LR"},
       {"prior", "Prior probability"},
       {"prior_run", "{prior}: the prior of screening run {run}"},
       {"prior_missing",
        "{formula}: each of the {count} missing persons with typed relatives "
        "alike, and as likely that the remains are someone no family is looking for"},
       {"prior_given", "{prior}: given when the report was issued"},
       {"posterior", "Posterior probability"},
       {"threshold", "Reporting threshold (LR)"},
       {"mutation", "Mutation model"},
       {"theta", "θ (population substructure)"},
       {"markers", "Markers"},
       {"marker", "Marker"},
       {"marker_lr", "LR"},
       {"excluded", "excluded"},
       {"review", "Review"},
       {"decided_by", "Confirmed by"},
       {"first_reviewer", "First reviewer"},
       {"decided_at", "Confirmed at"},
       {"reason", "Reason"},
       {"reproduce", "Reproducing this result"},
       {"frequencies", "Allele frequency table (SHA-256)"},
       {"version", "Athar version"},
       {"run", "Screening run"},
       {"run_version", "Athar version of the run"},
       {"command", "Command"},
       {"ledger", "Ledger"},
       {"decision_entry", "Decision's ledger entry"},
       {"ledger_at_issue", "Ledger when issued"},
       {"report_entry", "This report's ledger entry"},
       {"content_hash", "This report's content (SHA-256)"},
       {"entry", "entry {index}, leaf hash {hash}"},
       {"tree", "{size} entries, root {root}"},
       {"not_included",
        "Not in this report: genotypes (genetic data, read in Athar by authorised analysts, each "
        "read recorded in the ledger) and the donors' names and contacts (sealed in the "
        "registry). athar verify checks every ledger entry named here."},
       {"issued", "Issued by {by} on {at}"},
       {"page", "Page {page} of {pages}"},
       {"identified", "identified"},
       {"none", "none"}}};
  static const Words ar{
      "ar",
      {{"title", "تقرير تحديد الهوية"},
       {"subtitle", "تحديد هوية رفات بشرية بتحليل القرابة الجينية · أثر {version}"},
       {"conclusion", "الخلاصة"},
       {"concluded",
        "حُدِّدت هوية الرفات {remains} بأنها للشخص {person}. ظهور الملف الجيني لهذه الرفات أرجح "
        "بـ {lr} مرة إذا كانت للفرد المفقود {member} من العائلة {family} منه إذا كانت لشخص لا "
        "قرابة له بهذه العائلة. وباحتمال مسبق قدره {prior} يبلغ الاحتمال اللاحق {posterior}."},
       {"at_threshold",
        "نسبة الأرجحية تبلغ عتبة الإبلاغ {threshold} أو تتجاوزها، وقد أكّد التحديدَ {reviewers}."},
       {"below_threshold",
        "نسبة الأرجحية دون عتبة الإبلاغ {threshold}، وقد أكّد التحديدَ مراجعان اثنان، "
        "{reviewers}، استناداً إلى مجمل الأدلة."},
       {"several_missing",
        "للعائلة {family} {count} أفراد مفقودون، ونسبة الأرجحية هذه تخص {member} وحده."},
       {"lineage_note",
        "نسبة الأرجحية هذه حاصل ضرب نسبة الواسمات الجسمية STR ({autosomal}) ونسبة {line} "
        "({lineage})، وهما تُورَّثان باستقلال."},
       {"line_y", "خط الأب (Y-STR)"},
       {"line_mt", "خط الأم (mtDNA)"},
       {"lineage_heading", "واسمات النسب"},
       {"lineage_relative", "القريب على الخط نفسه"},
       {"lineage_conclusion", "المقارنة"},
       {"lineage_frequency", "ظهور النمط الفرداني في قاعدة البيانات"},
       {"lineage_frequency_text", "{seen} من {size}؛ الحد الأعلى {upper} بثقة {confidence}"},
       {"lineage_database", "قاعدة بيانات الأنماط الفردانية (SHA-256)"},
       {"autosomal_lr", "نسبة الأرجحية للواسمات الجسمية"},
       {"lineage_lr", "نسبة الأرجحية لواسمات النسب"},
       {"meioses", "{relation}، {meioses} انقسامات اختزالية"},
       {"the_person", "الشخص المفقود"},
       {"person", "الشخص"},
       {"status", "الحالة"},
       {"the_remains", "الرفات"},
       {"remains_record", "سجل الرفات"},
       {"recovered_at", "موقع الاستخراج"},
       {"label", "المقبرة / الرقم الميداني"},
       {"recovered_on", "تاريخ الاستخراج"},
       {"remains_sample", "العينة"},
       {"profile", "الملف الجيني"},
       {"references", "العينات المرجعية من الأقارب"},
       {"also_identified", "رفات أخرى حُدِّدت بأنها للشخص نفسه (أجزاء من جثة واحدة): {list}."},
       {"relative", "عينة القريب"},
       {"relation", "صلة القرابة"},
       {"sample_number", "رقم المختبر"},
       {"markers_typed", "عدد الواسمات المحللة"},
       {"evaluation", "التقييم الإحصائي"},
       {"lr", "نسبة الأرجحية (LR)"},
       {"log10_lr", "لوغاريتم نسبة الأرجحية"},
       {"prior", "الاحتمال المسبق"},
       {"prior_run", "{prior}: الاحتمال المسبق لدورة الفحص {run}"},
       {"prior_missing",
        "{formula}: الاحتمال نفسه لكل من المفقودين الـ {count} الذين لديهم أقارب "
        "محللو الحمض النووي، والاحتمال نفسه أن تكون الرفات لشخص لا تبحث عنه أي عائلة"},
       {"prior_given", "{prior}: حُدِّد عند إصدار التقرير"},
       {"posterior", "الاحتمال اللاحق"},
       {"threshold", "عتبة الإبلاغ (LR)"},
       {"mutation", "نموذج الطفرات"},
       {"theta", "θ (البنية السكانية)"},
       {"markers", "الواسمات الجينية"},
       {"marker", "الواسم"},
       {"marker_lr", "نسبة الأرجحية"},
       {"excluded", "مستبعد"},
       {"review", "المراجعة"},
       {"decided_by", "أكّده"},
       {"first_reviewer", "المراجع الأول"},
       {"decided_at", "تاريخ التأكيد"},
       {"reason", "السبب"},
       {"reproduce", "إعادة إنتاج هذه النتيجة"},
       {"frequencies", "جدول ترددات الأليلات (SHA-256)"},
       {"version", "إصدار أثر"},
       {"run", "دورة الفحص"},
       {"run_version", "إصدار أثر في دورة الفحص"},
       {"command", "الأمر"},
       {"ledger", "السجل"},
       {"decision_entry", "قيد القرار في السجل"},
       {"ledger_at_issue", "السجل عند الإصدار"},
       {"report_entry", "قيد هذا التقرير في السجل"},
       {"content_hash", "محتوى هذا التقرير (SHA-256)"},
       {"entry", "القيد {index}، بصمة الورقة {hash}"},
       {"tree", "{size} قيداً، الجذر {root}"},
       {"not_included",
        "لا يتضمن هذا التقرير الأنماط الجينية (بيانات جينية يطّلع عليها في أثر المحللون المخوّلون، "
        "ويُسجَّل كل اطلاع في السجل)، ولا أسماء المتبرعين ووسائل الاتصال بهم (محفوظة مختومة في "
        "السجل). يتحقق الأمر athar verify من كل قيد مذكور هنا."},
       {"issued", "أصدره {by} في {at}"},
       {"page", "الصفحة {page} من {pages}"},
       {"identified", "حُدِّدت الهوية"},
       {"none", "لا يوجد"}}};
  if (language == "en") return en;
  if (language == "ar") return ar;
  throw core::InputError(kWhere, "lang", language, "en or ar");
}

std::string relation_text(const std::string& relation, const std::string& language) {
  static const std::map<std::string, std::string> arabic{
      {"father", "الأب"},
      {"mother", "الأم"},
      {"child", "ابن أو ابنة"},
      {"full_sibling", "أخ أو أخت شقيقة"},
      {"paternal_half_sibling", "أخ أو أخت من الأب"},
      {"maternal_half_sibling", "أخ أو أخت من الأم"},
      {"paternal_grandfather", "الجد لأب"},
      {"paternal_grandmother", "الجدة لأب"},
      {"maternal_grandfather", "الجد لأم"},
      {"maternal_grandmother", "الجدة لأم"},
      {"paternal_uncle", "العم"},
      {"paternal_aunt", "العمة"},
      {"maternal_uncle", "الخال"},
      {"maternal_aunt", "الخالة"},
      {"paternal_cousin", "ابن أو ابنة العم أو العمة"},
      {"maternal_cousin", "ابن أو ابنة الخال أو الخالة"},
      {"spouse", "الزوج أو الزوجة"}};
  if (language == "ar") {
    const auto it = arabic.find(relation);
    if (it != arabic.end()) return it->second;
  }
  return replace(relation, "_", " ");
}

std::string with_id(const std::string& id, const std::string& name) {
  return name.empty() ? id : id + " " + name;
}

}  // namespace

core::OrderedJson IdentificationReport::content() const {
  core::OrderedJson refs = core::OrderedJson::array();
  for (const auto& r : references)
    refs.push_back({{"sample", r.name},
                    {"relation", r.relation},
                    {"sample_number", r.sample_number},
                    {"lab", r.lab},
                    {"markers", r.markers}});
  core::OrderedJson per_marker = core::OrderedJson::array();
  for (const auto& m : markers)
    per_marker.push_back({m.marker, m.log10_lr == -INFINITY ? core::OrderedJson("excluded")
                                                            : core::OrderedJson(m.log10_lr)});
  return {{"issued_at", issued_at},
          {"issued_by", issued_by},
          {"person", person},
          {"person_name", person_name},
          {"person_status", person_status},
          {"remains_record", remains_record},
          {"remains_label", remains_label},
          {"remains_site", remains_site},
          {"recovered_on", recovered_on},
          {"remains_profile", remains_profile},
          {"remains_sample", remains_sample},
          {"remains_sample_number", remains_sample_number},
          {"remains_lab", remains_lab},
          {"family", family},
          {"member", member},
          {"missing_members", missing_members},
          {"also_identified", also_identified},
          {"references", refs},
          {"log10_lr", log10_lr},
          {"lineage", lineage.empty() ? core::OrderedJson() : core::OrderedJson::parse(lineage)},
          {"lineage_log10_lr",
           lineage.empty() ? core::OrderedJson() : core::OrderedJson(lineage_log10_lr)},
          {"combined_log10_lr", combined_log10_lr},
          {"prior", prior},
          {"prior_basis", prior_basis},
          {"missing_persons", missing_persons},
          {"posterior", posterior},
          {"threshold", threshold},
          {"mutation", mutation},
          {"mutation_rates", mutation_rates},
          {"theta", theta},
          {"markers", per_marker},
          {"frequencies_sha256", frequencies_sha256},
          {"athar_version", athar_version},
          {"run", run},
          {"run_athar_version", run_athar_version},
          {"decided_by", decided_by},
          {"decided_at", decided_at},
          {"first_reviewer", first_reviewer},
          {"reason", reason},
          {"decision_entry", decision_entry},
          {"decision_leaf", decision_leaf},
          {"tree_size", tree_size},
          {"root", root}};
}

core::OrderedJson IdentificationReport::to_json() const {
  core::OrderedJson out = content();
  out["content_sha256"] = content_sha256;
  out["report_entry"] = report_entry;
  return out;
}

void IdentificationReport::write_text(std::ostream& out) const {
  out << "identification report (ledger entry " << report_entry << ", content SHA-256 "
      << content_sha256 << ")\n"
      << "  person: " << with_id(person, person_name) << " (" << person_status << ")\n"
      << "  remains: " << remains_record << " " << remains_label << " at " << remains_site
      << ", recovered " << recovered_on << "; sample " << remains_sample << " ("
      << remains_sample_number << "), profile " << remains_profile << "\n"
      << "  family " << family << ", member " << member << "\n";
  for (const auto& a : also_identified) out << "  also identified as this person: " << a << "\n";
  for (const auto& r : references)
    out << "  reference " << r.name << " (" << r.relation << ", " << r.markers << " markers)\n";
  if (!lineage.empty())
    out << "  lineage: " << lineage << "; autosomal log10 LR " << core::shortest_number(log10_lr)
        << "\n";
  out << "  LR " << lr_text(combined_log10_lr) << " (log10 "
      << core::shortest_number(combined_log10_lr) << "); prior " << core::shortest_number(prior)
      << " (" << prior_basis << "), posterior " << probability_text(posterior) << "; threshold "
      << core::shortest_number(threshold) << "\n"
      << "  mutation " << mutation << ", theta " << core::shortest_number(theta) << "\n"
      << "  confirmed by " << decided_by
      << (first_reviewer.empty() ? "" : " after " + first_reviewer) << " at " << decided_at << ": "
      << reason << "\n"
      << "  decision's ledger entry " << decision_entry << "; frequency table SHA-256 "
      << frequencies_sha256 << "; Athar " << athar_version << "\n";
}

std::string IdentificationReport::pdf(const std::string& language) const {
  const Words& w = words(language);
  // In Arabic sentences numbers, ids and formulas are isolated so that they read as written.
  const bool arabic = language == "ar";
  const auto fill = [arabic](std::string s, const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values)
      s = replace(s, "{" + key + "}", arabic ? plot::left_to_right(value) : value);
    return s;
  };
  plot::Document d;
  d.right_to_left = language == "ar";
  d.title = w["title"];
  d.subtitle = fill(w["subtitle"], {{"version", athar_version}});
  d.footer = fill(w["issued"], {{"by", issued_by}, {"at", issued_at}}) + " · " + w["report_entry"] +
             " " + std::to_string(report_entry);
  d.page_format = w["page"];
  d.created_at = issued_at;
  d.author = issued_by;

  // "Latin / Arabic" names read Arabic first in the Arabic report.
  std::string name = person_name;
  if (const size_t slash = name.find(" / "); arabic && slash != std::string::npos)
    name = name.substr(slash + 3) + " / " + name.substr(0, slash);
  const std::string person_text = with_id(person, name);
  const std::string reviewers =
      first_reviewer.empty() ? decided_by : first_reviewer + ", " + decided_by;
  const std::string prior_text = probability_text(prior);
  d.heading(w["conclusion"]);
  d.paragraph(fill(w["concluded"], {{"remains", remains_record},
                                    {"person", person_text},
                                    {"lr", lr_text(combined_log10_lr)},
                                    {"member", member},
                                    {"family", family},
                                    {"prior", prior_text},
                                    {"posterior", probability_text(posterior)}}));
  const bool at_threshold = combined_log10_lr >= std::log10(threshold);
  core::Json lineage_json;
  std::string line_text;
  if (!lineage.empty()) {
    lineage_json = core::Json::parse(lineage);
    line_text = w[lineage_json.value("line", "") == "y" ? "line_y" : "line_mt"];
    d.paragraph(fill(w["lineage_note"], {{"autosomal", lr_text(log10_lr)},
                                         {"line", line_text},
                                         {"lineage", lr_text(lineage_log10_lr)}}));
  }
  d.paragraph(fill(w[at_threshold ? "at_threshold" : "below_threshold"],
                   {{"threshold", lr_text(std::log10(threshold))}, {"reviewers", reviewers}}));
  if (missing_members > 1)
    d.paragraph(
        fill(w["several_missing"],
             {{"family", family}, {"count", std::to_string(missing_members)}, {"member", member}}));

  d.heading(w["the_person"]);
  d.fields({{w["person"], person_text},
            {w["status"], person_status == "identified" ? w["identified"] : person_status}});

  d.heading(w["the_remains"]);
  d.fields({{w["remains_record"], remains_record},
            {w["recovered_at"], remains_site},
            {w["label"], remains_label},
            {w["recovered_on"], recovered_on},
            {w["remains_sample"], remains_sample.empty()
                                      ? w["none"]
                                      : remains_sample + " (" + remains_sample_number +
                                            (remains_lab.empty() ? "" : ", " + remains_lab) + ")"},
            {w["profile"], remains_profile}});

  if (!also_identified.empty()) {
    std::string list;
    for (const auto& a : also_identified) list += (list.empty() ? "" : ", ") + a;
    d.paragraph(fill(w["also_identified"], {{"list", list}}));
  }

  d.heading(w["references"]);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : references)
    rows.push_back({r.name, relation_text(r.relation, language),
                    r.sample_number + (r.lab.empty() ? "" : " (" + r.lab + ")"),
                    std::to_string(r.markers)});
  d.table({w["relative"], w["relation"], w["sample_number"], w["markers_typed"]}, rows,
          {1.2, 1.3, 1.3, 0.8});

  d.heading(w["evaluation"]);
  const std::string prior_line =
      prior_basis == "run" ? fill(w["prior_run"], {{"prior", prior_text}, {"run", run}})
      : prior_basis == "given"
          ? fill(w["prior_given"], {{"prior", prior_text}})
          : fill(w["prior_missing"],
                 {{"formula", prior_text + " = 1/(" + std::to_string(missing_persons) + " + 1)"},
                  {"count", std::to_string(missing_persons)}});
  std::vector<std::pair<std::string, std::string>> evaluation{
      {w["lr"], lr_text(combined_log10_lr)}, {w["log10_lr"], fixed(combined_log10_lr, 4)}};
  if (!lineage.empty()) {
    evaluation.emplace_back(w["autosomal_lr"], lr_text(log10_lr));
    evaluation.emplace_back(w["lineage_lr"], lr_text(lineage_log10_lr));
  }
  d.fields(std::move(evaluation));
  d.fields({{w["prior"], prior_line},
            {w["posterior"], probability_text(posterior)},
            {w["threshold"], lr_text(std::log10(threshold))},
            {w["mutation"], mutation + (mutation_rates.empty() ? "" : "; " + mutation_rates)},
            {w["theta"], core::shortest_number(theta)}});

  if (!lineage.empty()) {
    d.heading(w["lineage_heading"]);
    const auto text = [&](const char* key) {
      const auto& v = lineage_json.at(key);
      return v.is_string() ? v.get<std::string>() : core::shortest_number(v.get<double>());
    };
    d.fields({{w["lineage_relative"],
               lineage_json.value("relative", "") + " (" +
                   fill(w["meioses"],
                        {{"relation", relation_text(lineage_json.value("relation", ""), language)},
                         {"meioses", text("meioses")}}) +
                   ")"},
              {w["lineage_conclusion"], line_text + ": " + text("conclusion")},
              {w["lineage_frequency"],
               fill(w["lineage_frequency_text"], {{"seen", text("seen")},
                                                  {"size", text("database_size")},
                                                  {"upper", text("upper_bound")},
                                                  {"confidence", text("confidence")}})},
              {w["lineage_lr"], lr_text(lineage_log10_lr)},
              {w["theta"], text("theta")},
              {w["lineage_database"], text("database_sha256")}});
  }

  d.heading(w["markers"]);
  rows.clear();
  for (const auto& m : markers)
    rows.push_back({m.marker, m.log10_lr == -INFINITY ? w["excluded"] : lr_text(m.log10_lr)});
  // Two markers a row, so that 24 markers fit on a page.
  std::vector<std::vector<std::string>> paired;
  for (size_t i = 0; i < rows.size(); i += 2) {
    std::vector<std::string> cells = rows[i];
    if (i + 1 < rows.size()) {
      cells.insert(cells.end(), rows[i + 1].begin(), rows[i + 1].end());
    } else {
      cells.insert(cells.end(), {"", ""});
    }
    paired.push_back(std::move(cells));
  }
  d.table({w["marker"], w["marker_lr"], w["marker"], w["marker_lr"]}, paired);

  d.heading(w["review"]);
  std::vector<std::pair<std::string, std::string>> review{{w["decided_by"], decided_by}};
  if (!first_reviewer.empty()) review.emplace_back(w["first_reviewer"], first_reviewer);
  review.emplace_back(w["decided_at"], decided_at);
  review.emplace_back(w["reason"], reason);
  d.fields(std::move(review));

  d.heading(w["reproduce"]);
  std::vector<std::pair<std::string, std::string>> reproduce{{w["frequencies"], frequencies_sha256},
                                                             {w["version"], athar_version}};
  if (!run.empty()) {
    reproduce.emplace_back(w["run"], run);
    reproduce.emplace_back(w["run_version"], run_athar_version);
  }
  reproduce.emplace_back(w["command"], "athar kinship lr " + family + " " + remains_profile +
                                           " --member " + member + " --mutation " +
                                           replace(mutation, ";", "") + " --theta " +
                                           core::shortest_number(theta));
  d.fields(std::move(reproduce));

  d.heading(w["ledger"]);
  d.fields({{w["decision_entry"], fill(w["entry"], {{"index", std::to_string(decision_entry)},
                                                    {"hash", decision_leaf}})},
            {w["ledger_at_issue"],
             fill(w["tree"], {{"size", std::to_string(tree_size)}, {"root", root}})},
            {w["report_entry"], std::to_string(report_entry)},
            {w["content_hash"], content_sha256}});
  d.paragraph(w["not_included"]);
  return plot::pdf_bytes(d);
}

IdentificationReport identification_report(Session& session, const ReportRequest& request) {
  session.require(Permission::kReadRecords, "read an identification report");
  registry::Registry& reg = session.registry();
  std::vector<std::string> also;
  const matching::KinshipDecision d = find_decision(reg, request, &also);
  const DecisionSettings settings = settings_of(d);
  kinship::FrequencyTable table = kinship::FrequencyTable::read(default_frequency_table());

  IdentificationReport r;
  r.also_identified = std::move(also);
  r.issued_by = session.actor().name;
  r.issued_at = core::utc_timestamp_now();
  r.family = d.family;
  r.member = d.member;
  r.remains_profile = d.remains;
  r.threshold = settings.threshold;
  r.theta = settings.theta;
  r.decided_by = d.decided_by;
  r.decided_at = d.decided_at;
  r.first_reviewer = d.first_reviewer;
  r.reason = d.reason;
  r.run = d.run;

  // The LR again, exactly as the decision computed it.
  std::optional<kinship::Family> family = matching::stored_family(reg, table, d.family);
  if (!family) {
    if (auto f = matching::family_of_person(reg, table, d.family)) family = std::move(f->family);
  }
  const auto remains = matching::stored_profile(reg, table, d.remains, "remains");
  if (!family) throw core::InputError(kWhere, "family", d.family, "no longer has typed relatives");
  if (!remains) throw core::InputError(kWhere, "remains", d.remains, "no stored remains profile");
  const int member = family->member_index(d.member);
  if (member < 0)
    throw core::InputError(kWhere, "member", d.member, "is no longer in family " + d.family);
  std::vector<kinship::Profile> everyone{*remains};
  for (const auto& m : family->members)
    if (m.typed()) everyone.push_back(m.profile);
  table.add_unseen(everyone);
  ScreenOptions options;
  options.mutation = settings.mutation;
  options.theta = settings.theta;
  std::vector<MarkerMutationRate> rates;
  const kinship::PairwiseResult lr =
      kinship::missing_person_lr(table, *family, static_cast<size_t>(member), *remains,
                                 mutation_model(options, table, &rates), settings.theta);
  const double decided = d.exact_log10_lr == "excluded" ? -INFINITY : std::stod(d.exact_log10_lr);
  if (!(std::fabs(lr.log10_lr - decided) <= 1e-9 * std::max(1.0, std::fabs(decided))))
    throw core::InputError(kWhere, "log10_lr", core::shortest_number(lr.log10_lr),
                           "differs from the decision's " + d.exact_log10_lr +
                               ": the references or the frequency table changed since; decide "
                               "again");
  r.log10_lr = lr.log10_lr;
  r.combined_log10_lr = r.log10_lr;
  if (!d.lineage.empty()) {
    r.lineage = d.lineage;
    const core::Json lineage = core::Json::parse(d.lineage);
    r.lineage_log10_lr =
        lineage.at("log10_lr").is_number() ? lineage.at("log10_lr").get<double>() : -INFINITY;
    r.combined_log10_lr = r.log10_lr + r.lineage_log10_lr;
  }
  r.mutation = settings.mutation;
  if (!rates.empty()) r.mutation_rates = describe_mutation(settings.mutation, rates);
  for (const auto& m : lr.per_marker)
    r.markers.push_back({table.marker(m.marker).name, m.lr > 0 ? std::log10(m.lr) : -INFINITY});
  r.missing_members = family->missing().size();
  r.frequencies_sha256 = matching::frequency_table_sha256(table);
  r.athar_version = ATHAR_VERSION;

  // The prior: given, the kept run's, or one over the missing persons screened now plus one.
  if (request.prior != 0) {
    if (!(request.prior > 0 && request.prior < 1))
      throw core::InputError(kWhere, "prior", core::shortest_number(request.prior), "in (0, 1)");
    r.prior = request.prior;
    r.prior_basis = "given";
  }
  if (!r.run.empty()) {
    for (const auto& kept : matching::kept_screening_runs(reg)) {
      if (kept.id() != r.run) continue;
      r.run_athar_version = kept.athar_version;
      if (r.prior_basis.empty()) {
        r.prior = core::Json::parse(kept.settings).at("prior").get<double>();
        r.prior_basis = "run";
      }
    }
  }
  if (r.prior_basis.empty()) {
    // Those searched for now, and the person identified (no longer missing) when not among them.
    bool counted = false;
    for (const auto& f : matching::person_families(reg, table)) {
      ++r.missing_persons;
      counted |= f.id == d.family;
    }
    for (const auto& f : matching::stored_families(reg, table)) {
      r.missing_persons += f.missing().size();
      counted |= f.id == d.family;
    }
    if (!counted) r.missing_persons += 1;
    r.prior = 1.0 / (static_cast<double>(r.missing_persons) + 1);
    r.prior_basis = "missing_persons";
  }
  r.posterior = kinship::posterior_probability(r.combined_log10_lr, r.prior);

  // The records around it.
  r.person = d.family;
  if (const auto sample = matching::sample_of_profile(reg, d.remains, "remains")) {
    r.remains_sample = sample->id();
    r.remains_sample_number = sample->get("sample_number");
    r.remains_lab = sample->get("lab");
  }
  if (!d.identified.empty()) {
    const registry::Record remains_record = reg.get(d.identified);
    // Withdrawn since (corrected back to unidentified, or to another person): no report.
    if (remains_record.get("status") != "identified" || remains_record.get("person") != d.family)
      throw core::InputError(kWhere, "remains", remains_record.id(),
                             "no longer identified as " + d.family +
                                 ": the identification was withdrawn or corrected");
    r.remains_record = remains_record.id();
    r.remains_label = remains_record.get("label");
    r.remains_site = labelled_id(reg, remains_record.get("site"));
    r.recovered_on = remains_record.get("recovered_on");
    if (!remains_record.get("person").empty()) r.person = remains_record.get("person");
  }
  if (registry::parse_record_id(r.person)) {
    const registry::Record person = reg.get(r.person);
    r.person_name = display_name(person);
    r.person_status = person.get("status");
  }
  for (const auto& m : family->members) {
    if (!m.typed()) continue;
    IdentificationReport::Reference ref;
    ref.name = m.name;
    ref.markers = m.profile.typed_markers();
    if (registry::parse_record_id(m.name)) {
      const registry::Record sample = reg.get(m.name);
      ref.relation = sample.get("relation");
      ref.sample_number = sample.get("sample_number");
      ref.lab = sample.get("lab");
    } else {
      ref.sample_number = m.profile.sample;
    }
    r.references.push_back(std::move(ref));
  }

  // Anchored: the decision's entry, the tree as it is, and the report's own entry.
  const std::string subject = matching::decision_subject(d);
  registry::Registry::Transaction tx(reg);
  const auto head = reg.head_of(subject);
  if (!head) throw core::InputError(kWhere, "decision", subject, "has no ledger entry");
  r.decision_entry = *head;
  r.decision_leaf = ledger::to_hex(reg.ledger().stored_leaf_hash(*head));
  r.tree_size = reg.ledger().size();
  r.root = ledger::to_hex(reg.ledger().root());
  const ledger::Hash content_hash = ledger::sha256(r.content().dump());
  r.content_sha256 = ledger::to_hex(content_hash);
  r.report_entry = reg.append_ledger_entry(
      "kinship.report", "kinship-report:" + d.remains + "|" + d.family + "|" + d.member,
      content_hash);
  tx.commit();
  return r;
}

}  // namespace athar::app
