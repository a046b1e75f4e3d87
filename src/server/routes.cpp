// The route table (api.h): every endpoint of the API, its permission and its handler.
#include <sodium.h>

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/accounts.h"
#include "app/analyses.h"
#include "app/estimates.h"
#include "app/evidence.h"
#include "app/exports.h"
#include "app/identification_report.h"
#include "app/integrity.h"
#include "app/jobs.h"
#include "app/ledger_reads.h"
#include "app/lineage.h"
#include "app/records.h"
#include "app/screening.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/governorate.h"
#include "server/api.h"

namespace athar::server {

using app::Permission;
using core::OrderedJson;

std::optional<std::string> Call::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string Call::sent_file_name() const {
  return std::filesystem::path(query_param("filename").value_or("")).filename().string();
}

core::Json Call::json_body() const {
  if (body.empty()) return core::Json::object();
  core::Json j = core::Json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    throw core::InputError("request body", "", "", "not valid JSON (or not UTF-8)");
  }
  if (!j.is_object()) throw core::InputError("request body", "", "", "must be a JSON object");
  return j;
}

bool match_path(std::string_view pattern, std::string_view path,
                std::map<std::string, std::string>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const size_t pe = pattern.find('/'), se = path.find('/');
    const std::string_view p = pattern.substr(0, pe), s = path.substr(0, se);
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (s.empty()) return false;
      params[std::string(p.substr(1, p.size() - 2))] = std::string(s);
    } else if (p != s) {
      return false;
    }
    pattern = pe == std::string_view::npos ? std::string_view() : pattern.substr(pe);
    path = se == std::string_view::npos ? std::string_view() : path.substr(se);
  }
  return true;
}

namespace {

// --- request helpers -------------------------------------------------------------------------

uint64_t parse_count(const std::string& where, const std::string& name, const std::string& text,
                     uint64_t max) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) {
    throw core::InputError(where, name, text,
                           "expected a whole number from 0 to " + std::to_string(max));
  }
  return value;
}

std::optional<uint64_t> count_param(const Call& call, const std::string& name, uint64_t max) {
  const auto text = call.query_param(name);
  if (!text) return std::nullopt;
  return parse_count("query", name, *text, max);
}

std::string string_member(const core::Json& body, const std::string& where, const std::string& name,
                          bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) throw core::InputError(where, name, "", "is required");
    return {};
  }
  if (!it->is_string()) throw core::InputError(where, name, it->dump(), "must be a string");
  return it->get<std::string>();
}

registry::StatusReport status_report(const core::Json& body, const std::string& where) {
  registry::StatusReport report;
  auto it = body.find("status_report");
  if (it == body.end()) return report;
  if (!it->is_object()) throw core::InputError(where, "status_report", "", "must be an object");
  report.changed_on = string_member(*it, where, "changed_on", false);
  report.reported_by = string_member(*it, where, "reported_by", false);
  report.source = string_member(*it, where, "source", false);
  report.note = string_member(*it, where, "note", false);
  return report;
}

// The body's fields, each a string (null or "" clears a field in an update).
registry::FieldChanges field_values(const core::Json& body, const registry::KindSpec& kind,
                                    const std::string& where) {
  registry::FieldChanges out;
  auto fields = body.find("fields");
  if (fields == body.end() || !fields->is_object()) {
    throw core::InputError(where, "fields", "", "expected an object of field names to values");
  }
  for (const auto& [name, value] : fields->items()) {
    if (!kind.field(name)) throw core::InputError(where, name, "", "no such field");
    if (value.is_null()) {
      out.emplace_back(name, "");
    } else if (value.is_string()) {
      out.emplace_back(name, value.get<std::string>());
    } else if (value.is_number_integer() || value.is_number_float()) {
      out.emplace_back(name, value.dump());
    } else {
      throw core::InputError(where, name, value.dump(), "must be a string or a number");
    }
  }
  return out;
}

registry::ListQuery list_query(const Call& call, const registry::KindSpec& kind) {
  registry::ListQuery q;
  q.limit = count_param(call, "limit", 1000).value_or(100);
  if (q.limit == 0) q.limit = 100;
  q.offset = count_param(call, "offset", 1'000'000'000).value_or(0);
  q.after_num = static_cast<int64_t>(count_param(call, "after", INT64_MAX).value_or(0));
  for (const auto& [name, value] : call.query) {
    if (name == "limit" || name == "offset" || name == "after") continue;
    if (name == "include_retracted") {
      if (value != "true" && value != "false")
        throw core::InputError("query", name, value, "true or false");
      q.include_retracted = value == "true";
      continue;
    }
    if (!kind.field(name)) {
      throw core::InputError(std::string(kind.plural), name, value, "no such field to filter on");
    }
    q.equals.emplace_back(name, value);
  }
  return q;
}

// The record id in the path must be of the route's kind: /api/sites/person-000001 is not found.
const std::string& id_of_kind(const Call& call, const registry::KindSpec& kind) {
  const std::string& id = call.path_param("id");
  const auto parsed = registry::parse_record_id(id);
  if (!parsed || parsed->kind != kind.kind) {
    throw core::NotFound("no " + std::string(kind.name) + " " + id);
  }
  return id;
}

// A written record with the plausibility warnings about it ("warnings": their texts), if any.
OrderedJson with_warnings(OrderedJson record, const std::vector<registry::Warning>& warnings) {
  if (!warnings.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const registry::Warning& w : warnings) list.push_back(w.text());
    record["warnings"] = std::move(list);
  }
  return record;
}

Reply json_reply(OrderedJson j, int status = 200) {
  Reply r;
  r.status = status;
  r.json = std::move(j);
  return r;
}

// Starts `work` in the background as a job of the caller, run with a session of its own as
// the caller; the reply is 202 with the job.
using JobWork = std::function<OrderedJson(app::Session&, app::JobControl&)>;
// The allele frequencies Athar ships, read once.
const kinship::FrequencyTable& default_table() {
  static const kinship::FrequencyTable table =
      kinship::FrequencyTable::read(app::default_frequency_table());
  return table;
}

Reply start_job(Call& call, const char* kind, const char* phase, JobWork work) {
  app::Instance& instance = call.instance;
  const app::Actor actor = call.session.actor();
  const std::string id = instance.jobs().start(
      actor, kind, [&instance, actor, phase, work = std::move(work)](app::JobControl& job) {
        app::Session session(instance, actor);
        job.progress(0, phase);
        return work(session, job);
      });
  return json_reply(instance.jobs().status(actor, id).to_json(), 202);
}

std::string session_cookie(const std::string& token, int64_t max_age) {
  return "athar_session=" + token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
}

// --- schemas ---------------------------------------------------------------------------------

OrderedJson ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
OrderedJson array_of(OrderedJson items) { return {{"type", "array"}, {"items", std::move(items)}}; }
OrderedJson object_schema(std::initializer_list<std::pair<const char*, const char*>> properties) {
  OrderedJson props = OrderedJson::object();
  for (const auto& [name, type] : properties) props[name] = {{"type", type}};
  return {{"type", "object"}, {"properties", props}};
}

Parameter path_param(const std::string& name, const std::string& description,
                     const std::string& type = "string") {
  return {name, "path", type, description, true};
}
Parameter query_param(const std::string& name, const std::string& description,
                      const std::string& type = "string", bool required = false) {
  return {name, "query", type, description, required};
}

// The largest file an upload in pieces may declare: evidence video runs to many gigabytes; the
// disk is the real limit.
constexpr uint64_t kMaxResumableUpload = uint64_t{64} << 30;

std::vector<Route> build_routes() {
  std::vector<Route> out;
  const auto add = [&out](Route r) { out.push_back(std::move(r)); };

  add({"GET",
       "/api/openapi.json",
       Permission::kPublic,
       "This API, described (OpenAPI 3.1)",
       "meta",
       {},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call&) { return json_reply(openapi_document()); }});

  // --- accounts and sessions
  add({"POST",
       "/api/session",
       Permission::kPublic,
       "Sign in: sets the session cookie; returns the CSRF token every write must carry "
       "(X-CSRF-Token)",
       "accounts",
       {},
       object_schema({{"name", "string"}, {"password", "string"}, {"totp", "string"}}),
       ref("SignedIn"),
       200,
       [](Call& call) {
         const core::Json body = call.json_body();
         app::SignIn request{string_member(body, "sign-in", "name", true),
                             string_member(body, "sign-in", "password", true),
                             string_member(body, "sign-in", "totp", false), call.client};
         const app::Credential c = app::sign_in(call.instance, request);
         Reply r = json_reply(c.to_json());
         r.headers.emplace_back("Set-Cookie", session_cookie(c.token, 12 * 3600));
         return r;
       }});
  add({"GET",
       "/api/session",
       Permission::kSignedIn,
       "Who is signed in, and their role",
       "accounts",
       {},
       nullptr,
       ref("SignedIn"),
       200,
       [](Call& call) {
         return json_reply({{"name", call.session.actor().name},
                            {"role", std::string(app::role_name(call.session.actor().role))}});
       }});
  add({"DELETE",
       "/api/session",
       Permission::kSignedIn,
       "Sign out: ends this credential",
       "accounts",
       {},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         app::sign_out(call.instance, call.bearer);
         Reply r = json_reply({{"signed_out", true}});
         r.headers.emplace_back("Set-Cookie", session_cookie("", 0));
         return r;
       }});
  add({"PUT",
       "/api/session/password",
       Permission::kSignedIn,
       "Change one's own password",
       "accounts",
       {},
       object_schema({{"password", "string"}}),
       {{"type", "object"}},
       200,
       [](Call& call) {
         const core::Json body = call.json_body();
         app::set_password(call.session, call.session.actor().name,
                           string_member(body, "password change", "password", true));
         return json_reply({{"changed", true}});
       }});
  add({"POST",
       "/api/session/second-factor",
       Permission::kSignedIn,
       "Turn on a TOTP second factor; returns the secret for an authenticator app",
       "accounts",
       {},
       nullptr,
       object_schema({{"secret", "string"}, {"otpauth", "string"}}),
       200,
       [](Call& call) {
         const std::string secret = app::enable_second_factor(call.session);
         return json_reply({{"secret", secret},
                            {"otpauth", "otpauth://totp/Athar:" + call.session.actor().name +
                                            "?secret=" + secret + "&issuer=Athar"}});
       }});
  add({"POST",
       "/api/tokens",
       Permission::kSignedIn,
       "An API token for scripts, as oneself (shown once)",
       "accounts",
       {},
       object_schema({{"label", "string"}}),
       object_schema({{"token", "string"}}),
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         const app::Credential c =
             app::create_api_token(call.session, string_member(body, "API token", "label", false));
         OrderedJson j = c.to_json();
         j["token"] = c.token;
         return json_reply(j, 201);
       }});
  add({"GET",
       "/api/accounts",
       Permission::kManageAccounts,
       "List accounts",
       "accounts",
       {},
       nullptr,
       array_of(ref("Account")),
       200,
       [](Call& call) {
         OrderedJson arr = OrderedJson::array();
         for (const auto& a : app::list_accounts(call.session)) arr.push_back(a.to_json());
         return json_reply(arr);
       }});
  add({"POST",
       "/api/accounts",
       Permission::kManageAccounts,
       "Add an account; the reply holds its one-time password",
       "accounts",
       {},
       object_schema({{"name", "string"}, {"role", "string"}}),
       ref("Account"),
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         const std::string role_text = string_member(body, "new account", "role", true);
         const auto role = app::parse_role(role_text);
         if (!role) {
           throw core::InputError("new account", "role", role_text,
                                  "one of admin, investigator, analyst, liaison, viewer");
         }
         return json_reply(
             app::add_account(call.session, string_member(body, "new account", "name", true), *role)
                 .to_json(),
             201);
       }});
  add({"PATCH",
       "/api/accounts/{name}",
       Permission::kManageAccounts,
       "Change an account's role, or disable or enable it",
       "accounts",
       {path_param("name", "account name")},
       object_schema({{"role", "string"}, {"disabled", "boolean"}}),
       ref("Account"),
       200,
       [](Call& call) {
         const core::Json body = call.json_body();
         const std::string& name = call.path_param("name");
         std::optional<app::Account> changed;
         if (body.contains("role")) {
           const std::string role_text = string_member(body, name, "role", true);
           const auto role = app::parse_role(role_text);
           if (!role) throw core::InputError(name, "role", role_text, "no such role");
           changed = app::set_role(call.session, name, *role);
         }
         if (body.contains("disabled")) {
           if (!body["disabled"].is_boolean())
             throw core::InputError(name, "disabled", body["disabled"].dump(),
                                    "must be true or false");
           changed = app::set_disabled(call.session, name, body["disabled"].get<bool>());
         }
         if (!changed) throw core::InputError(name, "", "", "nothing to change (role, disabled)");
         return json_reply(changed->to_json());
       }});

  // --- registry
  add({"GET",
       "/api/summary",
       Permission::kReadAggregates,
       "Counts, statuses, and each site's claims beside what is documented",
       "registry",
       {},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) { return json_reply(app::summary(call.session)); }});
  add({"GET",
       "/api/fields",
       Permission::kSignedIn,
       "The data dictionary: every kind of record and its fields",
       "registry",
       {},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call&) {
         OrderedJson kinds = OrderedJson::array();
         for (const registry::KindSpec& kind : registry::kind_specs()) {
           OrderedJson fields = OrderedJson::array();
           for (const registry::FieldSpec& f : kind.fields) {
             OrderedJson field = {{"name", f.name},
                                  {"required", f.required},
                                  {"help", f.help},
                                  {"protected", f.sensitive}};
             if (!f.choices.empty()) {
               OrderedJson choices = OrderedJson::array();
               for (auto c : f.choices) choices.push_back(c);
               field["choices"] = choices;
             }
             fields.push_back(field);
           }
           kinds.push_back({{"name", kind.name}, {"plural", kind.plural}, {"fields", fields}});
         }
         OrderedJson governorates = OrderedJson::array();
         for (const auto& g : core::governorates())
           governorates.push_back(
               {{"code", g.code}, {"name_en", g.name_en}, {"name_ar", g.name_ar}});
         return json_reply({{"kinds", kinds}, {"governorates", governorates}});
       }});

  for (const registry::KindSpec& kind_ref : registry::kind_specs()) {
    const registry::KindSpec* kind = &kind_ref;
    const std::string plural(kind->plural), name(kind->name);
    const std::string schema = "Record_" + name;
    add({"GET",
         "/api/" + plural,
         app::read_permission(kind->kind),
         "List " + plural + " (paged)",
         plural,
         {query_param("limit", "at most this many (default 100, at most 1000)", "integer"),
          query_param("offset", "skip this many", "integer"),
          query_param("after", "only records numbered above this (the next_after of a page)",
                      "integer"),
          query_param("include_retracted", "true: retracted and merged records too", "boolean"),
          query_param("FIELD", "any other parameter filters on a field: FIELD=VALUE")},
         nullptr,
         {{"type", "object"},
          {"properties",
           {{"records", array_of(ref(schema))},
            {"limit", {{"type", "integer"}}},
            {"offset", {{"type", "integer"}}},
            {"next_after", {{"type", "integer"}}}}}},
         200,
         [kind](Call& call) {
           return json_reply(
               app::list_records(call.session, *kind, list_query(call, *kind)).to_json());
         }});
    add({"GET",
         "/api/" + plural + "/{id}",
         app::read_permission(kind->kind),
         "A " + name + " with its history, claims and links",
         plural,
         {path_param("id", "record id")},
         nullptr,
         ref(schema),
         200,
         [kind](Call& call) {
           return json_reply(
               app::show_record(call.session, id_of_kind(call, *kind), false).to_json());
         }});
    if (kind->kind != registry::Kind::kEvidence) {
      add({"POST",
           "/api/" + plural,
           app::write_permission(kind->kind),
           "Add a " + name,
           plural,
           {},
           {{"type", "object"},
            {"properties",
             kind->kind == registry::Kind::kPerson
                 ? OrderedJson{{"fields", ref(schema)},
                               {"status_report", ref("StatusReport")},
                               {"listed_by",
                                {{"type", "string"},
                                 {"description", "source id that lists the person"}}}}
                 : OrderedJson{{"fields", ref(schema)}, {"status_report", ref("StatusReport")}}},
            {"required", {"fields"}}},
           ref(schema),
           201,
           [kind](Call& call) {
             const core::Json body = call.json_body();
             const std::string where = "new " + std::string(kind->name);
             std::string listed_by;
             if (body.contains("listed_by")) {
               if (!body["listed_by"].is_string())
                 throw core::InputError(where, "listed_by", body["listed_by"].dump(),
                                        "a source id");
               listed_by = body["listed_by"].get<std::string>();
             }
             std::vector<registry::Warning> warnings;
             const registry::Record r =
                 app::add_record(call.session, *kind, field_values(body, *kind, where),
                                 status_report(body, where), listed_by, &warnings);
             return json_reply(with_warnings(registry::Registry::to_json(r, false), warnings), 201);
           }});
    }
    const OrderedJson reason_schema = {{"type", "string"},
                                       {"description", "why: what was wrong, on whose word"}};
    add({"POST",
         "/api/" + plural + "/{id}/correct",
         app::write_permission(kind->kind),
         "Correct fields of a " + name +
             " entered wrongly, with a reason (a status correction enters no status history)",
         plural,
         {path_param("id", "record id")},
         {{"type", "object"},
          {"properties", {{"fields", ref(schema)}, {"reason", reason_schema}}},
          {"required", {"fields", "reason"}}},
         ref(schema),
         200,
         [kind](Call& call) {
           const std::string& id = id_of_kind(call, *kind);
           const core::Json body = call.json_body();
           std::vector<registry::Warning> warnings;
           const registry::Record r =
               app::correct_record(call.session, id, field_values(body, *kind, id),
                                   string_member(body, id, "reason", true), &warnings);
           return json_reply(with_warnings(registry::Registry::to_json(r, false), warnings));
         }});
    add({"POST",
         "/api/" + plural + "/{id}/retract",
         app::write_permission(kind->kind),
         "Retract a " + name + ": it stays, marked with who and why, out of lists and counts",
         plural,
         {path_param("id", "record id")},
         {{"type", "object"},
          {"properties", {{"reason", reason_schema}}},
          {"required", {"reason"}}},
         ref(schema),
         200,
         [kind](Call& call) {
           const std::string& id = id_of_kind(call, *kind);
           const core::Json body = call.json_body();
           return json_reply(registry::Registry::to_json(
               app::retract_record(call.session, id, string_member(body, id, "reason", true)),
               false));
         }});
    if (kind->kind != registry::Kind::kEvidence && kind->kind != registry::Kind::kCustody) {
      add({"POST",
           "/api/" + plural + "/{id}/merge",
           app::write_permission(kind->kind),
           "Merge a duplicate " + name +
               " into this one: the duplicate is retracted naming it; both histories stay",
           plural,
           {path_param("id", "the record kept")},
           {{"type", "object"},
            {"properties",
             {{"duplicate", {{"type", "string"}, {"description", "id of the duplicate"}}},
              {"reason", reason_schema}}},
            {"required", {"duplicate", "reason"}}},
           {{"type", "object"}, {"properties", {{"kept", ref(schema)}, {"merged", ref(schema)}}}},
           200,
           [kind](Call& call) {
             const std::string& id = id_of_kind(call, *kind);
             const core::Json body = call.json_body();
             const auto [kept, merged] =
                 app::merge_records(call.session, id, string_member(body, id, "duplicate", true),
                                    string_member(body, id, "reason", true));
             return json_reply({{"kept", registry::Registry::to_json(kept, false)},
                                {"merged", registry::Registry::to_json(merged, false)}});
           }});
    }
    // Custody events are never changed: a mistake in one is corrected with a reason.
    if (kind->kind == registry::Kind::kCustody) continue;
    add({"PATCH",
         "/api/" + plural + "/{id}",
         app::write_permission(kind->kind),
         "Change fields of a " + name + " (null or \"\" clears one)",
         plural,
         {path_param("id", "record id")},
         {{"type", "object"},
          {"properties", {{"fields", ref(schema)}, {"status_report", ref("StatusReport")}}},
          {"required", {"fields"}}},
         ref(schema),
         200,
         [kind](Call& call) {
           const std::string& id = id_of_kind(call, *kind);
           const core::Json body = call.json_body();
           std::vector<registry::Warning> warnings;
           const registry::Record r = app::update_record(
               call.session, id, field_values(body, *kind, id), status_report(body, id), &warnings);
           return json_reply(with_warnings(registry::Registry::to_json(r, false), warnings));
         }});
  }
  add({"POST",
       "/api/witnesses/{id}/reveal",
       Permission::kRevealWitnesses,
       "A witness with identity and contact in clear (the read is a ledger entry naming you)",
       "witnesses",
       {path_param("id", "witness id")},
       nullptr,
       ref("Record_witness"),
       200,
       [](Call& call) {
         return json_reply(
             app::show_record(call.session,
                              id_of_kind(call, registry::kind_spec(registry::Kind::kWitness)), true)
                 .to_json());
       }});
  add({"POST",
       "/api/samples/{id}/reveal",
       Permission::kReadFamilyContacts,
       "A sample with its donor's name and contact in clear (the read is a ledger entry naming "
       "you)",
       "samples",
       {path_param("id", "sample id")},
       nullptr,
       ref("Record_sample"),
       200,
       [](Call& call) {
         return json_reply(
             app::show_record(call.session,
                              id_of_kind(call, registry::kind_spec(registry::Kind::kSample)), true)
                 .to_json());
       }});
  add({"GET",
       "/api/search/persons",
       Permission::kReadRecords,
       "Find persons by name: any spelling, Arabic or Latin script, best first",
       "persons",
       {query_param("q", "a name or full name", "string", true),
        query_param("limit", "at most this many (default 20)", "integer"),
        query_param("min_score", "leave out matches below this (0 to 1, default 0.8)")},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         matching::SearchOptions options;
         options.limit = count_param(call, "limit", 1000).value_or(20);
         if (const auto min = call.query_param("min_score")) {
           char* end = nullptr;
           const double v = std::strtod(min->c_str(), &end);
           if (min->empty() || *end != '\0' || !(v >= 0 && v <= 1))
             throw core::InputError("query", "min_score", *min, "expected a number from 0 to 1");
           options.min_score = v;
         }
         const auto q = call.query_param("q");
         if (!q) throw core::InputError("query", "q", "", "is required");
         return json_reply(app::search_persons(call.session, *q, options).to_json());
       }});

  // --- evidence
  add({"POST",
       "/api/evidence",
       Permission::kAddEvidence,
       "Store a file as evidence (the body is the file's bytes), with a `collected` custody "
       "event",
       "evidence",
       {query_param("collected_by", "who collected it", "string", true),
        query_param("collected_at", "when (timestamp)", "string", true),
        query_param("source", "source id the file came from"),
        query_param("site", "site id it concerns"), query_param("place", "where it was collected"),
        query_param("note", "a note on the intake"),
        query_param("filename", "the file's name (its extension is kept; no folders)")},
       {{"type", "string"}, {"format", "binary"}},
       ref("StoredEvidence"),
       201,
       [](Call& call) {
         registry::IngestOptions options;
         options.collected_by = call.query_param("collected_by").value_or("");
         options.collected_at = call.query_param("collected_at").value_or("");
         options.source = call.query_param("source").value_or("");
         options.site = call.query_param("site").value_or("");
         options.place = call.query_param("place").value_or("");
         options.note = call.query_param("note").value_or("");
         options.original_name = call.sent_file_name();
         return json_reply(app::add_evidence(call.session, call.upload, options).to_json(), 201);
       }});
  // Resumable uploads: a large file in pieces, continued after a broken connection.
  add({"POST",
       "/api/uploads",
       Permission::kAddEvidence,
       "Begin an upload in pieces (a large file over a poor link); continue it with PUT",
       "evidence",
       {},
       object_schema({{"file_name", "string"}, {"size", "integer"}}),
       ref("Upload"),
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         if (!body.contains("size") || !body["size"].is_number_unsigned())
           throw core::InputError("upload", "size", body.value("size", core::Json()).dump(),
                                  "the file's size in bytes");
         return json_reply(
             app::begin_upload(call.session, string_member(body, "upload", "file_name", true),
                               body["size"].get<uint64_t>(), kMaxResumableUpload)
                 .to_json(),
             201);
       }});
  add({"GET",
       "/api/uploads/{id}",
       Permission::kAddEvidence,
       "How much of an upload the server has (where to continue from)",
       "evidence",
       {path_param("id", "upload id")},
       nullptr,
       ref("Upload"),
       200,
       [](Call& call) {
         return json_reply(app::upload_status(call.session, call.path_param("id")).to_json());
       }});
  add({"PUT",
       "/api/uploads/{id}",
       Permission::kAddEvidence,
       "Append the next piece (the body) at `offset`, which must be what the server has",
       "evidence",
       {path_param("id", "upload id"),
        query_param("offset", "where this piece starts", "integer", true)},
       {{"type", "string"}, {"format", "binary"}},
       ref("Upload"),
       200,
       [](Call& call) {
         const auto offset = count_param(call, "offset", UINT64_MAX);
         if (!offset) throw core::InputError("query", "offset", "", "is required");
         return json_reply(
             app::continue_upload(call.session, call.path_param("id"), *offset, call.upload)
                 .to_json());
       }});
  add({"POST",
       "/api/uploads/{id}/evidence",
       Permission::kAddEvidence,
       "Store a whole upload as evidence, with a `collected` custody event",
       "evidence",
       {path_param("id", "upload id")},
       object_schema({{"collected_by", "string"},
                      {"collected_at", "string"},
                      {"source", "string"},
                      {"site", "string"},
                      {"place", "string"},
                      {"note", "string"}}),
       ref("StoredEvidence"),
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         const std::string& id = call.path_param("id");
         registry::IngestOptions options;
         options.collected_by = string_member(body, id, "collected_by", true);
         options.collected_at = string_member(body, id, "collected_at", true);
         options.source = string_member(body, id, "source", false);
         options.site = string_member(body, id, "site", false);
         options.place = string_member(body, id, "place", false);
         options.note = string_member(body, id, "note", false);
         return json_reply(app::finish_upload(call.session, id, options).to_json(), 201);
       }});
  add({"GET",
       "/api/evidence/{id}/content",
       Permission::kReadEvidence,
       "The evidence file's bytes (its SHA-256 in the X-Content-SHA256 header)",
       "evidence",
       {path_param("id", "evidence id")},
       nullptr,
       {{"type", "string"}, {"format", "binary"}},
       200,
       [](Call& call) {
         const app::EvidenceFile f = app::evidence_file(call.session, call.path_param("id"));
         Reply r;
         r.file = f.path;
         r.content_type = f.media_type.empty() ? "application/octet-stream" : f.media_type;
         r.headers.emplace_back("X-Content-SHA256", f.sha256);
         r.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + f.evidence_id + "\"");
         return r;
       }});

  // --- ledger
  add({"GET",
       "/api/ledger/entries/{index}",
       Permission::kReadLedger,
       "One ledger entry (its canonical text, as hashed)",
       "ledger",
       {path_param("index", "entry index, from 0", "integer")},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         return json_reply(
             app::ledger_entry(call.session,
                               parse_count("path", "index", call.path_param("index"), UINT64_MAX))
                 .to_json());
       }});
  add({"GET",
       "/api/ledger/entries/{index}/proof",
       Permission::kReadLedger,
       "Inclusion proof of an entry (RFC 9162)",
       "ledger",
       {path_param("index", "entry index, from 0", "integer"),
        query_param("size", "tree size (default: the whole log)", "integer")},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         return json_reply(app::inclusion_proof(
                               call.session,
                               parse_count("path", "index", call.path_param("index"), UINT64_MAX),
                               count_param(call, "size", UINT64_MAX))
                               .to_json());
       }});
  add({"GET",
       "/api/ledger/consistency",
       Permission::kReadLedger,
       "Consistency proof between two tree sizes (RFC 9162)",
       "ledger",
       {query_param("from", "older tree size", "integer", true),
        query_param("size", "newer tree size (default: the whole log)", "integer")},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         const auto from = count_param(call, "from", UINT64_MAX);
         if (!from) throw core::InputError("query", "from", "", "is required");
         return json_reply(
             app::consistency_proof(call.session, *from, count_param(call, "size", UINT64_MAX))
                 .to_json());
       }});
  add({"GET",
       "/api/ledger",
       Permission::kReadLedger,
       "The ledger's size and its newest entries, newest first",
       "ledger",
       {query_param("before", "entries before this index (default: the whole log)", "integer"),
        query_param("limit", "at most this many (default 20, at most 500)", "integer")},
       nullptr,
       object_schema({{"size", "integer"}, {"entries", "array"}}),
       200,
       [](Call& call) {
         return json_reply(app::recent_entries(call.session,
                                               count_param(call, "before", UINT64_MAX),
                                               count_param(call, "limit", 500).value_or(20))
                               .to_json());
       }});
  add({"GET",
       "/api/ledger/key",
       Permission::kPublic,
       "The verifier key of the ledger's checkpoints (C2SP signed-note form), for anyone to check "
       "them",
       "ledger",
       {},
       nullptr,
       object_schema({{"verifier_key", "string"}}),
       200,
       [](Call& call) {
         return json_reply({{"verifier_key", app::verifier_key(call.instance)}});
       }});
  add({"GET",
       "/api/ledger/checkpoints",
       Permission::kReadAggregates,
       "Every kept checkpoint (signed notes)",
       "ledger",
       {},
       nullptr,
       {{"type", "array"}},
       200,
       [](Call& call) { return json_reply(app::checkpoints(call.session).to_json()); }});

  add({"POST",
       "/api/ledger/checkpoints",
       Permission::kWriteRecords,
       "Sign a checkpoint of the log as it is now (witnesses are asked from the shell: "
       "athar checkpoint --witness)",
       "ledger",
       {},
       object_schema({{"if_older_than_seconds", "integer"}}),
       {{"type", "object"}},
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         app::CheckpointOptions options;
         if (body.contains("if_older_than_seconds")) {
           if (!body["if_older_than_seconds"].is_number_unsigned())
             throw core::InputError("checkpoint", "if_older_than_seconds",
                                    body["if_older_than_seconds"].dump(), "whole seconds");
           options.if_older_than_seconds = body["if_older_than_seconds"].get<int64_t>();
         }
         const app::SignedCheckpoint c = app::sign_checkpoint(call.session, options);
         return json_reply(c.to_json(), c.new_one ? 201 : 200);
       }});

  // --- jobs
  add({"POST",
       "/api/jobs/verify",
       Permission::kReadLedger,
       "Start checking every record, ledger entry, checkpoint, object and account",
       "jobs",
       {},
       nullptr,
       ref("Job"),
       202,
       [](Call& call) {
         return start_job(call, "verify", "checking",
                          [](app::Session& session, app::JobControl& job) {
                            return app::verify(session, {}, job.reporter()).to_json();
                          });
       }});
  add({"POST",
       "/api/jobs/check",
       Permission::kReadRecords,
       "Start listing every plausibility warning in the registry (athar check)",
       "jobs",
       {},
       nullptr,
       ref("Job"),
       202,
       [](Call& call) {
         return start_job(
             call, "check", "checking", [](app::Session& session, app::JobControl& job) {
               return app::check_report_json(app::check_registry(session, job.reporter()));
             });
       }});
  add({"POST",
       "/api/jobs/import",
       Permission::kWritePersons,
       "Start importing a file (the body): a JSON file of records of any kind (format=json; "
       "needs write-records) or a persons CSV (format=persons-csv); one transaction",
       "jobs",
       {query_param("format", "json or persons-csv", "string", true),
        query_param("source", "persons-csv: the source id that lists these persons"),
        query_param("role", "persons-csv: role of persons whose row gives none (victim)"),
        query_param("check", "true: check the whole file, list every problem, write nothing"),
        query_param("force", "true: import a file whose bytes were imported before"),
        query_param("filename", "the file's name, as messages and the import's record give it")},
       {{"type", "string"}, {"format", "binary"}},
       ref("Job"),
       202,
       [](Call& call) {
         const std::string format = call.query_param("format").value_or("");
         if (format != "json" && format != "persons-csv") {
           throw core::InputError("import", "format", format, "json or persons-csv");
         }
         const app::ImportFormat kind =
             format == "json" ? app::ImportFormat::kJson : app::ImportFormat::kPersonsCsv;
         // Checked now, not only when the job runs, so that the caller hears of it at once.
         call.session.require(kind == app::ImportFormat::kJson ? Permission::kWriteRecords
                                                               : Permission::kWritePersons,
                              "import " + format);
         registry::PersonsCsvOptions persons;
         persons.source = call.query_param("source").value_or("");
         persons.role = call.query_param("role").value_or("victim");
         const std::string check = call.query_param("check").value_or("false");
         if (check != "true" && check != "false")
           throw core::InputError("import", "check", check, "true or false");
         persons.check_only = check == "true";
         const std::string force = call.query_param("force").value_or("false");
         if (force != "true" && force != "false")
           throw core::InputError("import", "force", force, "true or false");
         persons.force = force == "true";
         // Messages name the file as the caller knows it, never the server's copy.
         std::string file_name = call.sent_file_name();
         if (file_name.empty()) file_name = "the uploaded file";
         // The upload outlives the request: the job owns it and removes it when done.
         const std::filesystem::path file =
             call.upload.parent_path() / ("job-" + call.upload.filename().string());
         std::filesystem::rename(call.upload, file);
         return start_job(
             call, "import", "importing",
             [file, kind, persons, file_name](app::Session& session, app::JobControl& job) {
               struct Remove {
                 std::filesystem::path p;
                 ~Remove() {
                   std::error_code ec;
                   std::filesystem::remove(p, ec);
                 }
               } remove{file};
               return app::import_records(session, file, kind, persons, job.reporter(),
                                          persons.check_only, persons.force, file_name)
                   .to_json();
             });
       }});
  add({"POST",
       "/api/jobs/linkage",
       Permission::kRunAnalyses,
       "Start linking the registry's persons (which records are one person); the run's pairs "
       "are kept for review",
       "jobs",
       {},
       object_schema({{"threshold", "number"},
                      {"review_from", "number"},
                      {"role", "string"},
                      {"across_sources_only", "boolean"}}),
       ref("Job"),
       202,
       [](Call& call) {
         const core::Json body = call.json_body();
         matching::RunOptions options;
         const auto number = [&](const char* name, double& into) {
           if (!body.contains(name)) return;
           if (!body[name].is_number() || body[name].get<double>() < 0 ||
               body[name].get<double>() > 1) {
             throw core::InputError("linkage", name, body[name].dump(), "a number from 0 to 1");
           }
           into = body[name].get<double>();
         };
         number("threshold", options.threshold);
         number("review_from", options.review_from);
         if (body.contains("role")) options.role = string_member(body, "linkage", "role", true);
         if (body.contains("across_sources_only")) {
           if (!body["across_sources_only"].is_boolean())
             throw core::InputError("linkage", "across_sources_only",
                                    body["across_sources_only"].dump(), "true or false");
           options.across_sources_only = body["across_sources_only"].get<bool>();
         }
         return start_job(call, "linkage", "linking",
                          [options](app::Session& session, app::JobControl& job) {
                            matching::RunOptions with_progress = options;
                            with_progress.progress = job.reporter();
                            return app::run_linkage(session, with_progress).to_json();
                          });
       }});
  add({"POST",
       "/api/jobs/estimate",
       Permission::kRunAnalyses,
       "Start estimating how many were not documented, from the latest linkage run's entities "
       "(sources as lists); optionally recorded beside the claims",
       "jobs",
       {},
       object_schema({{"by", "string"},
                      {"bootstrap", "integer"},
                      {"seed", "integer"},
                      {"latent_class", "boolean"},
                      {"compare", "boolean"},
                      {"linkage_draws", "integer"},
                      {"record", "boolean"},
                      {"subject", "string"}}),
       ref("Job"),
       202,
       [](Call& call) {
         const core::Json body = call.json_body();
         app::EstimateOptions o;
         const auto count = [&](const char* name, auto& into, uint64_t max) {
           if (!body.contains(name)) return;
           if (!body[name].is_number_unsigned() || body[name].get<uint64_t>() > max) {
             throw core::InputError("estimate", name, body[name].dump(),
                                    "a whole number up to " + std::to_string(max));
           }
           into = body[name].get<uint64_t>();
         };
         const auto flag = [&](const char* name, bool& into) {
           if (!body.contains(name)) return;
           if (!body[name].is_boolean())
             throw core::InputError("estimate", name, body[name].dump(), "true or false");
           into = body[name].get<bool>();
         };
         count("bootstrap", o.bootstrap, 100000);
         count("seed", o.seed, UINT64_MAX);
         count("linkage_draws", o.linkage_draws, 1000);
         flag("latent_class", o.latent_class);
         flag("compare", o.compare);
         flag("record", o.record);
         if (body.contains("by")) o.by = string_member(body, "estimate", "by", true);
         if (body.contains("subject")) o.subject = string_member(body, "estimate", "subject", true);
         return start_job(call, "estimate", "estimating",
                          [o](app::Session& session, app::JobControl& job) {
                            return app::estimate_victims(&session, o, job.reporter()).to_json();
                          });
       }});
  add({"GET",
       "/api/linkage/review",
       Permission::kReadRecords,
       "The latest linkage run's pairs to review, most probable first, with each field's weight",
       "linkage",
       {query_param("limit", "at most this many (default 50)", "integer"),
        query_param("all", "include pairs already decided (true/false)")},
       nullptr,
       {{"type", "array"}},
       200,
       [](Call& call) {
         matching::CandidateQuery q;
         q.limit = count_param(call, "limit", 10000).value_or(50);
         q.include_decided = call.query_param("all").value_or("false") == "true";
         return json_reply(app::review_queue(call.session, q).to_json());
       }});
  add({"POST",
       "/api/linkage/decisions",
       Permission::kRunAnalyses,
       "Decide that two persons are one person or two; every later run respects it",
       "linkage",
       {},
       object_schema(
           {{"a", "string"}, {"b", "string"}, {"decision", "string"}, {"note", "string"}}),
       {{"type", "object"}},
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         const std::string a = string_member(body, "decision", "a", true);
         const std::string b = string_member(body, "decision", "b", true);
         const std::string decision = string_member(body, "decision", "decision", true);
         app::decide_pair(call.session, a, b, decision,
                          string_member(body, "decision", "note", false));
         return json_reply({{"a", a}, {"b", b}, {"decision", decision}}, 201);
       }});
  add({"POST",
       "/api/jobs/screening",
       Permission::kRunAnalyses,
       "Start screening every stored remains profile against every family's missing members; "
       "optionally θ, and the joint assignment of fragment bodies",
       "jobs",
       {},
       object_schema({{"threshold", "number"},
                      {"prior", "number"},
                      {"theta", "number"},
                      {"mutation", "string"},
                      {"assign", "boolean"},
                      {"for", "string"},
                      {"consenting_only", "boolean"}}),
       ref("Job"),
       202,
       [](Call& call) {
         const core::Json body = call.json_body();
         app::ScreenOptions o;
         const auto number = [&](const char* name, double& into, double low, double high) {
           if (!body.contains(name)) return;
           if (!body[name].is_number() || body[name].get<double>() < low ||
               body[name].get<double>() > high) {
             throw core::InputError("screening", name, body[name].dump(),
                                    "a number from " + core::OrderedJson(low).dump() + " to " +
                                        core::OrderedJson(high).dump());
           }
           into = body[name].get<double>();
         };
         number("threshold", o.threshold, 1, 1e300);
         number("prior", o.prior, 0, 1);
         number("theta", o.theta, 0, 0.5);
         if (body.contains("mutation"))
           o.mutation = string_member(body, "screening", "mutation", true);
         if (body.contains("assign")) {
           if (!body["assign"].is_boolean())
             throw core::InputError("screening", "assign", body["assign"].dump(), "true or false");
           o.assign = body["assign"].get<bool>();
         }
         if (body.contains("for")) o.for_partner = string_member(body, "screening", "for", true);
         if (body.contains("consenting_only")) {
           if (!body["consenting_only"].is_boolean())
             throw core::InputError("screening", "consenting_only", body["consenting_only"].dump(),
                                    "true or false");
           o.consenting_only = body["consenting_only"].get<bool>();
         }
         return start_job(
             call, "screening", "screening", [o](app::Session& session, app::JobControl& job) {
               return app::screen_remains(
                          &session, kinship::FrequencyTable::read(app::default_frequency_table()),
                          o, job.reporter())
                   .to_json();
             });
       }});
  add({"POST",
       "/api/jobs/bundle",
       Permission::kReadEvidence,
       "Start writing an evidence bundle for an outside party (files, records, ledger proofs, "
       "checkpoint, key); download it from the finished job",
       "jobs",
       {},
       {{"type", "object"},
        {"properties", {{"evidence", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
        {"required", {"evidence"}}},
       ref("Job"),
       202,
       [](Call& call) {
         const core::Json body = call.json_body();
         std::vector<std::string> evidence;
         const auto list = body.find("evidence");
         if (list == body.end() || !list->is_array() || list->empty()) {
           throw core::InputError("bundle", "evidence", "", "a list of evidence ids");
         }
         for (const auto& e : *list) {
           if (!e.is_string())
             throw core::InputError("bundle", "evidence", e.dump(), "an evidence id");
           evidence.push_back(e.get<std::string>());
         }
         return start_job(
             call, "bundle", "writing", [evidence](app::Session& session, app::JobControl& job) {
               std::array<uint8_t, 8> random{};
               randombytes_buf(random.data(), random.size());
               const std::filesystem::path folder = session.instance().data_dir() / "exports";
               std::filesystem::create_directories(folder);
               const auto file = folder / ("bundle-" + core::hex_encode(random) + ".tar");
               const app::Bundle bundle =
                   app::export_bundle(session, evidence, file, job.reporter());
               job.set_file(file, "application/x-tar");
               return bundle.to_json();
             });
       }});
  add({"GET",
       "/api/jobs/{id}/file",
       Permission::kSignedIn,
       "The file a finished job made (a bundle)",
       "jobs",
       {path_param("id", "job id")},
       nullptr,
       {{"type", "string"}, {"format", "binary"}},
       200,
       [](Call& call) {
         const app::JobStatus job =
             call.instance.jobs().status(call.session.actor(), call.path_param("id"));
         if (job.state != "done" || job.file.empty()) {
           throw core::NotFound(job.id + " has no file (" + job.state + ")");
         }
         if (!std::filesystem::is_regular_file(job.file))
           throw core::NotFound(job.id + "'s file is no longer there");
         Reply r;
         r.file = job.file;
         r.content_type = job.media_type;
         r.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + job.file.filename().string() + "\"");
         return r;
       }});
  add({"GET",
       "/api/export",
       Permission::kReadRecords,
       "The registry as JSON, or one kind as CSV (protected fields left out)",
       "registry",
       {query_param("format", "json (default) or csv"),
        query_param("kind", "csv: the kind to export (persons, sites, ...)")},
       nullptr,
       {{"type", "string"}, {"format", "binary"}},
       200,
       [](Call& call) {
         app::ExportRequest request;
         request.format = call.query_param("format").value_or("json");
         request.kind = call.query_param("kind").value_or("");
         std::ostringstream text;
         app::export_records(call.session, request, text);
         Reply r;
         r.bytes = text.str();
         r.content_type = request.format == "csv" ? "text/csv; charset=utf-8"
                                                  : "application/json; charset=utf-8";
         return r;
       }});
  add({"GET",
       "/api/kinship/profiles",
       Permission::kReadGeneticProfiles,
       "Stored DNA profiles of references or remains (the read is a ledger entry naming you)",
       "kinship",
       {query_param("kind", "reference or remains", "string", true)},
       nullptr,
       {{"type", "array"}},
       200,
       [](Call& call) {
         return json_reply(app::read_genetic_profiles(call.session, default_table(),
                                                      call.query_param("kind").value_or(""))
                               .to_json());
       }});
  add({"POST",
       "/api/kinship/profiles",
       Permission::kWriteGeneticProfiles,
       "Store the DNA profiles of a file (the body: a long or wide table, docs/kinship.md) as "
       "references or remains; all or nothing",
       "kinship",
       {query_param("kind", "reference or remains", "string", true)},
       {{"type", "string"}, {"format", "binary"}},
       object_schema({{"added", "integer"}}),
       201,
       [](Call& call) {
         const size_t added = app::add_genetic_profiles(call.session, default_table(), call.upload,
                                                        call.query_param("kind").value_or(""));
         return json_reply({{"added", added}}, 201);
       }});
  add({"POST",
       "/api/kinship/families",
       Permission::kWriteGeneticProfiles,
       "Store the families of a families CSV (the body; docs/kinship.md) whose references are "
       "stored already; all or nothing",
       "kinship",
       {},
       {{"type", "string"}, {"format", "binary"}},
       object_schema({{"added", "integer"}}),
       201,
       [](Call& call) {
         const size_t added = app::add_families(call.session, default_table(), call.upload);
         return json_reply({{"added", added}}, 201);
       }});
  add({"GET",
       "/api/kinship/families",
       Permission::kReadGeneticProfiles,
       "Stored families: each member's sex, parents, reference sample and whether missing (the "
       "read is a ledger entry naming you)",
       "kinship",
       {},
       nullptr,
       {{"type", "array"}},
       200,
       [](Call& call) {
         return json_reply(app::read_families(call.session, default_table()).to_json());
       }});
  add({"GET",
       "/api/kinship/decisions",
       Permission::kReadGeneticProfiles,
       "Analysts' decisions on kinship candidates (confirmed or rejected, why, by whom)",
       "kinship",
       {},
       nullptr,
       {{"type", "array"}},
       200,
       [](Call& call) { return json_reply(app::read_kinship_decisions(call.session).to_json()); }});
  add({"POST",
       "/api/kinship/decisions",
       Permission::kRunAnalyses,
       "Confirm or reject a screening candidate (remains against a family's missing member), "
       "with a reason; a ledger entry",
       "kinship",
       {},
       object_schema({{"remains", "string"},
                      {"family", "string"},
                      {"member", "string"},
                      {"decision", "string"},
                      {"log10_lr", "string"},
                      {"reason", "string"},
                      {"mutation", "string"},
                      {"theta", "number"},
                      {"threshold", "number"},
                      {"run", "string"}}),
       {{"type", "object"}},
       201,
       [](Call& call) {
         const core::Json body = call.json_body();
         matching::KinshipDecision d;
         d.remains = string_member(body, "kinship decision", "remains", true);
         d.family = string_member(body, "kinship decision", "family", true);
         d.member = string_member(body, "kinship decision", "member", true);
         d.decision = string_member(body, "kinship decision", "decision", true);
         d.log10_lr = string_member(body, "kinship decision", "log10_lr", false);
         d.reason = string_member(body, "kinship decision", "reason", false);
         d.run = string_member(body, "kinship decision", "run", false);
         app::DecisionSettings settings;
         if (body.contains("mutation"))
           settings.mutation = string_member(body, "kinship decision", "mutation", true);
         for (const auto& [name, into] :
              {std::pair{"theta", &settings.theta}, {"threshold", &settings.threshold}}) {
           if (!body.contains(name)) continue;
           if (!body[name].is_number())
             throw core::InputError("kinship decision", name, body[name].dump(), "a number");
           *into = body[name].get<double>();
         }
         const auto decided = app::decide_kinship(call.session, std::move(d), settings);
         app::KinshipDecisions one{{decided}};
         return json_reply(one.to_json()[0], 201);
       }});
  add({"GET",
       "/api/persons/{id}/identification-plan",
       Permission::kReadRecords,
       "For a missing person whose relatives gave typed samples: the chance a true match reaches "
       "the threshold and the exclusion power now, and what one more relative's sample would "
       "bring, best first (figures only, no genotype)",
       "kinship",
       {path_param("id", "person id"),
        query_param("threshold", "reporting threshold, an LR (default 10000)"),
        query_param("simulations", "simulations per configuration (default 200, at most 2000)",
                    "integer")},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         double threshold = 10000;
         if (const auto text = call.query_param("threshold")) {
           char* end = nullptr;
           threshold = std::strtod(text->c_str(), &end);
           if (text->empty() || *end != '\0' || !(threshold >= 1 && std::isfinite(threshold)))
             throw core::InputError("query", "threshold", *text, "a likelihood ratio, 1 or more");
         }
         const size_t simulations = count_param(call, "simulations", 2000).value_or(200);
         if (simulations == 0) throw core::InputError("query", "simulations", "0", "at least 1");
         return json_reply(
             app::plan_identification(call.session, call.path_param("id"), threshold, simulations)
                 .to_json());
       }});
  add({"GET",
       "/api/kinship/lineage",
       Permission::kReadGeneticProfiles,
       "Lineage markers (Y-STR or mtDNA) against the stored population database of the line: one "
       "remains sample against one missing person's relatives on the line, or without person and "
       "remains every remains sample against every missing person (pairs at or above threshold), "
       "each with the autosomal LR and the product; a ledger entry",
       "kinship",
       {query_param("lineage", "y or mt"), query_param("person", "the missing person"),
        query_param("remains", "remains sample name"),
        query_param("threshold", "screening: the lineage LR a pair needs (default 10)")},
       nullptr,
       {{"type", "object"}},
       200,
       [](Call& call) {
         const std::string line = call.query_param("lineage").value_or("");
         if (line != "y" && line != "mt")
           throw core::InputError("kinship lineage", "lineage", line, "y or mt");
         const auto lineage =
             line == "y" ? kinship::Lineage::kPaternal : kinship::Lineage::kMaternal;
         const std::string person = call.query_param("person").value_or("");
         const std::string remains = call.query_param("remains").value_or("");
         if (person.empty() != remains.empty())
           throw core::InputError("kinship lineage", person.empty() ? "person" : "remains", "",
                                  "both person and remains, or neither (a screening)");
         if (person.empty()) {
           app::LineageScreenRequest request;
           request.lineage = lineage;
           if (const auto text = call.query_param("threshold")) {
             char* end = nullptr;
             request.threshold = std::strtod(text->c_str(), &end);
             if (text->empty() || *end != '\0')
               throw core::InputError("query", "threshold", *text, "a likelihood ratio, 1 or more");
           }
           return json_reply(app::screen_lineage(call.session, request).to_json());
         }
         app::LineageRequest request;
         request.person = person;
         request.remains = remains;
         request.lineage = lineage;
         return json_reply(app::kinship_lineage(call.session, request).to_json());
       }});
  add({"GET",
       "/api/kinship/report",
       Permission::kReadRecords,
       "The identification report of a final confirmation (a person's, or one remains sample's "
       "against a family), in Arabic or English, as PDF or JSON; issuing it is a ledger entry "
       "naming you. No genotypes, no donors' names",
       "kinship",
       {query_param("person", "the identified person (or remains and family)"),
        query_param("remains", "remains profile (sample name)"),
        query_param("family", "family id, or a person id"),
        query_param("member", "the missing member"), query_param("lang", "en (default) or ar"),
        query_param("format", "pdf (default) or json")},
       nullptr,
       {{"type", "string"}, {"format", "binary"}},
       200,
       [](Call& call) {
         app::ReportRequest request;
         request.person = call.query_param("person").value_or("");
         request.remains = call.query_param("remains").value_or("");
         request.family = call.query_param("family").value_or("");
         request.member = call.query_param("member").value_or("");
         const std::string lang = call.query_param("lang").value_or("en");
         const std::string format = call.query_param("format").value_or("pdf");
         if (lang != "en" && lang != "ar")
           throw core::InputError("identification report", "lang", lang, "en or ar");
         if (format != "pdf" && format != "json")
           throw core::InputError("identification report", "format", format, "pdf or json");
         const auto report = app::identification_report(call.session, request);
         if (format == "json") return json_reply(report.to_json());
         Reply r;
         r.bytes = report.pdf(lang);
         r.content_type = "application/pdf";
         std::string name = "identification-report-" + report.person + "-" + lang + ".pdf";
         for (char& c : name)  // a family id from a file may hold anything
           if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
         r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
         return r;
       }});
  add({"GET",
       "/api/jobs/{id}",
       Permission::kSignedIn,
       "A job's state, progress and result",
       "jobs",
       {path_param("id", "job id")},
       nullptr,
       ref("Job"),
       200,
       [](Call& call) {
         return json_reply(
             call.instance.jobs().status(call.session.actor(), call.path_param("id")).to_json());
       }});
  add({"DELETE",
       "/api/jobs/{id}",
       Permission::kSignedIn,
       "Cancel a job",
       "jobs",
       {path_param("id", "job id")},
       nullptr,
       ref("Job"),
       200,
       [](Call& call) {
         return json_reply(
             call.instance.jobs().cancel(call.session.actor(), call.path_param("id")).to_json());
       }});
  return out;
}

}  // namespace

const std::vector<Route>& routes() {
  static const std::vector<Route> table = build_routes();
  return table;
}

}  // namespace athar::server
