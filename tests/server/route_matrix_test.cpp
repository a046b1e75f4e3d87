// Every route of the API as every role and as nobody: the allowed calls succeed, the rest get
// 401 (nobody) or 403 (a role without the permission). The calls are generated from the route
// table, so a new route is covered the day it is added (and fails here until it has a sample).
#include <gtest/gtest.h>

#include "app/analyses.h"
#include "app/evidence.h"
#include "app/jobs.h"
#include "app/lineage.h"
#include "app/records.h"
#include "server/api.h"
#include "server_fixture.h"

namespace athar::testing {
namespace {

using app::Role;

struct Sample {
  std::string path, query, body, content_type = "application/json";
  bool fresh_token = false;  // the call ends its own credential
};

class RouteMatrix : public ServedAthar {
 protected:
  void SetUp() override {
    ServedAthar::SetUp();
    app::Session admin = admin_session();
    app::add_account(admin, "target", Role::kViewer);
    signin_password_ = app::add_account(admin, "signin", Role::kViewer).one_time_password;
    // A stored reference that the families the matrix adds can name.
    app::add_genetic_profiles(
        admin, kinship::FrequencyTable::read(app::default_frequency_table()),
        scratch_.write("reference.csv",
                       "sample,marker,allele1,allele2\nmatrix-mother,D1S1656,12,13\n"),
        "reference");
    // A remains profile and a family with a missing member, for decisions on candidates.
    const auto table = kinship::FrequencyTable::read(app::default_frequency_table());
    app::add_genetic_profiles(
        admin, table,
        scratch_.write("remains.csv", "sample,marker,allele1,allele2\nmatrix-bone,D1S1656,12,14\n"),
        "remains");
    app::add_families(admin, table,
                      scratch_.write("families.csv",
                                     "family,member,sex,father,mother,sample,missing\n"
                                     "FM-decide,mother,female,-,-,matrix-mother,no\n"
                                     "FM-decide,father,male,-,-,-,no\n"
                                     "FM-decide,child,female,father,mother,-,yes\n"));
    // The demo's missing person p1 with their mother's sample typed: a plan can be made.
    mothers_child_ = app::update_record(admin, "sample-000002", {{"profile", "matrix-mother"}}, {})
                         .get("missing_person");
    // A final confirmation, for the identification report.
    app::add_genetic_profiles(
        admin, table,
        scratch_.write("remains-2.csv",
                       "sample,marker,allele1,allele2\nmatrix-bone-2,D1S1656,12,13\n"),
        "remains");
    matching::KinshipDecision confirmed;
    confirmed.remains = "matrix-bone-2";
    confirmed.family = "FM-decide";
    confirmed.member = "child";
    confirmed.decision = "confirmed";
    confirmed.reason = "route matrix";
    app::decide_kinship(admin, confirmed, {"none", 0, 1});
    // Maternal-line haplotypes and the line's database, for lineage comparisons.
    app::add_haplotypes(
        admin, kinship::Lineage::kMaternal,
        scratch_.write("mt-ref.csv", "sample,haplotype\nmatrix-mother,263G 315.1C\n"), "reference");
    app::add_haplotypes(
        admin, kinship::Lineage::kMaternal,
        scratch_.write("mt-bone.csv", "sample,haplotype\nmatrix-bone-2,263G 315.1C\n"), "remains");
    app::store_lineage_database(
        admin, kinship::Lineage::kMaternal,
        scratch_.write("mt-db.csv", "haplotype,count\n263G 315.1C,2\n263G,98\n"));
    admin_job_ = instance_->jobs().start({"user-admin", Role::kAdmin}, "test",
                                         [](app::JobControl&) { return core::OrderedJson(); });
  }

  std::string mothers_child_;  // the missing person whose mother's sample is typed

  std::string first_id(const registry::KindSpec& kind) {
    app::Session admin = admin_session();
    registry::ListQuery q;
    q.limit = 1;
    const auto page = app::list_records(admin, kind, q);
    if (page.records.empty())
      return kind.name == std::string_view("custody") ? "custody-000001" : "";
    return page.records.front().id();
  }

  // A valid request for `route`, made for a caller allowed to make it.
  Sample sample(const server::Route& route) {
    Sample s;
    s.path = route.path;
    const auto segments = [&] {
      std::vector<std::string> out;
      size_t at = 1;
      while (at < route.path.size()) {
        size_t end = route.path.find('/', at);
        if (end == std::string::npos) end = route.path.size();
        out.push_back(route.path.substr(at, end - at));
        at = end + 1;
      }
      return out;
    }();
    const registry::KindSpec* kind =
        segments.size() >= 2 ? registry::find_kind(segments[1]) : nullptr;
    const auto fill = [&](const std::string& param, const std::string& value) {
      const size_t at = s.path.find("{" + param + "}");
      if (at != std::string::npos) s.path.replace(at, param.size() + 2, value);
    };
    const bool retracts =
        segments.size() == 4 && (segments[3] == "retract" || segments[3] == "merge");
    if (kind && retracts) {
      // Each call retracts or merges a record of its own: one made for it now.
      fill("id", fresh_record(*kind));
    } else if (kind) {
      fill("id", kind->kind == registry::Kind::kEvidence ? evidence_id_ : first_id(*kind));
    }
    if (route.path.rfind("/api/evidence/", 0) == 0) fill("id", evidence_id_);
    if (route.path.rfind("/api/jobs/", 0) == 0) fill("id", admin_job_);
    if (route.path.rfind("/api/uploads/{id}", 0) == 0) {
      // Each caller's own upload of five bytes, whole when it is to be stored.
      fill("id", upload_of(route.path == "/api/uploads/{id}/evidence"));
    }
    fill("index", "0");
    fill("name", "target");
    const std::string key = route.method + " " + route.path;
    ++calls_;
    if (key == "POST /api/session") {
      s.body = R"({"name":"signin","password":")" + signin_password_ + R"("})";
    } else if (key == "DELETE /api/session") {
      s.fresh_token = true;
    } else if (key == "PUT /api/session/password") {
      s.body = R"({"password":"matrix-password-)" + std::to_string(calls_) + R"("})";
    } else if (key == "POST /api/tokens") {
      s.body = R"({"label":"matrix"})";
    } else if (key == "POST /api/accounts") {
      s.body = R"({"name":"new-)" + std::to_string(calls_) + R"(","role":"viewer"})";
    } else if (key == "PATCH /api/accounts/{name}") {
      s.body = R"({"role":"analyst"})";
    } else if (key == "GET /api/search/persons") {
      s.query = "q=Samer";
    } else if (key == "GET /api/ledger/consistency") {
      s.query = "from=1";
    } else if (key == "POST /api/evidence") {
      s.query = "collected_by=team&collected_at=2025-01-05T10:30Z&filename=note.txt";
      s.body = "matrix upload " + std::to_string(calls_);
      s.content_type = "application/octet-stream";
    } else if (key == "POST /api/uploads") {
      s.body = R"({"file_name":"matrix.bin","size":5})";
    } else if (key == "PUT /api/uploads/{id}") {
      s.query = "offset=0";
      s.body = "12345";
      s.content_type = "application/octet-stream";
    } else if (key == "POST /api/uploads/{id}/evidence") {
      s.body = R"({"collected_by":"team","collected_at":"2025-01-05T10:30Z"})";
    } else if (key == "POST /api/kinship/decisions") {
      s.body = kinship_decision_body();
    } else if (key == "POST /api/jobs/import") {
      // A persons CSV for roles that may write persons; the JSON form is tested elsewhere.
      s.query =
          "format=persons-csv&source=" + first_id(registry::kind_spec(registry::Kind::kSource));
      s.body = "given_name_lat,family_name_lat\nMatrix" + std::to_string(calls_) + ",al-Import\n";
      s.content_type = "text/csv";
    } else if (key == "POST /api/jobs/bundle") {
      s.body = R"({"evidence":[")" + evidence_id_ + R"("]})";
    } else if (key == "GET /api/export") {
      s.query = "format=csv&kind=sites";
    } else if (key == "POST /api/jobs/screening") {
      s.body = R"({"threshold":1000})";
    } else if (key == "POST /api/linkage/decisions") {
      s.body =
          R"({"a":"person-000001","b":"person-000002","decision":"different","note":"matrix"})";
    } else if (key == "POST /api/jobs/estimate") {
      s.body = R"({"bootstrap":20})";
    } else if (key == "POST /api/jobs/linkage") {
      s.body = R"({"threshold":0.5})";
    } else if (key == "GET /api/persons/{id}/identification-plan") {
      s.query = "simulations=20";
    } else if (key == "GET /api/kinship/lineage") {
      s.query = calls_ % 2 ? "lineage=mt"
                           : "lineage=mt&person=" + mothers_child_ + "&remains=matrix-bone-2";
    } else if (key == "GET /api/kinship/report") {
      s.query = "remains=matrix-bone-2&family=FM-decide&lang=ar";
    } else if (key == "GET /api/kinship/profiles") {
      s.query = "kind=reference";
    } else if (key == "POST /api/kinship/profiles") {
      s.query = "kind=remains";
      s.body = "sample,marker,allele1,allele2\nmatrix-bone-" + std::to_string(calls_) +
               ",D1S1656,12,14\n";
      s.content_type = "text/csv";
    } else if (key == "POST /api/kinship/families") {
      const std::string family = "FM-" + std::to_string(calls_);
      s.body = "family,member,sex,father,mother,sample,missing\n" + family +
               ",mother,female,-,-,matrix-mother,no\n" + family + ",father,male,-,-,-,no\n" +
               family + ",child,female,father,mother,-,yes\n";
      s.content_type = "text/csv";
    } else if (kind && segments.size() == 4 && segments[3] == "correct") {
      core::Json body = change_of(*kind);
      body["reason"] = "route matrix correction";
      s.body = body.dump();
    } else if (kind && segments.size() == 4 && segments[3] == "retract") {
      s.body = R"({"reason":"route matrix retraction"})";
    } else if (kind && segments.size() == 4 && segments[3] == "merge") {
      s.body =
          core::Json{{"duplicate", fresh_record(*kind)}, {"reason", "route matrix merge"}}.dump();
    } else if (kind && route.method == "POST" && segments.size() == 2) {
      s.body = copy_of_first(*kind).dump();
    } else if (kind && route.method == "PATCH") {
      s.body = change_of(*kind).dump();
    }
    return s;
  }

  // An upload begun by the caller (`caller_`), of five bytes, all sent when `whole`. Roles that
  // may not upload are refused before their id is looked at: any well-formed id does.
  std::string upload_of(bool whole) {
    if (!app::allows(caller_, app::Permission::kAddEvidence)) return std::string(32, '0');
    app::Session as(*instance_, {"user-" + std::string(app::role_name(caller_)), caller_});
    const app::PartialUpload u = app::begin_upload(as, "matrix.bin", 5, 1 << 20);
    if (whole) app::continue_upload(as, u.id, 0, scratch_.write("piece-" + u.id, "12345"));
    return u.id;
  }

  std::string kinship_decision_body() const {
    return R"({"remains":"matrix-bone","family":"FM-decide","member":"child",)"
           R"("decision":"rejected","log10_lr":"-2.1","reason":"route matrix"})";
  }

  // The first record's plain fields, as a body that adds another like it.
  core::Json copy_of_first(const registry::KindSpec& kind) {
    app::Session admin = admin_session();
    const registry::Record r = admin.registry().get(first_id(kind));
    core::Json fields = core::Json::object();
    for (size_t i = 0; i < kind.fields.size(); ++i) {
      const auto& f = kind.fields[i];
      if (f.sensitive || f.type == registry::FieldType::kStatus || r.values[i].empty()) continue;
      fields[std::string(f.name)] = registry::Registry::to_json(r, false)[std::string(f.name)];
    }
    return {{"fields", fields}};
  }

  // A new record of `kind` like the first (evidence: a new file), for calls that retract or merge.
  std::string fresh_record(const registry::KindSpec& kind) {
    app::Session admin = admin_session();
    if (kind.kind == registry::Kind::kEvidence) {
      registry::IngestOptions intake;
      intake.collected_by = "matrix team";
      intake.collected_at = "2025-01-05T10:30Z";
      const std::string name = "matrix-" + std::to_string(++calls_) + ".txt";
      return app::add_evidence(admin, scratch_.write(name, "matrix evidence " + name), intake)
          .result.evidence_id;
    }
    registry::FieldChanges values;
    const core::Json like_first = copy_of_first(kind);
    for (const auto& [field, value] : like_first["fields"].items()) {
      values.emplace_back(field, value.is_string() ? value.get<std::string>() : value.dump());
    }
    return app::add_record(admin, kind, values, {}).id();
  }

  // A change to a free-text field every record of the kind may have.
  core::Json change_of(const registry::KindSpec& kind) {
    for (const char* name : {"notes", "description", "note", "summary", "statement"}) {
      const registry::FieldSpec* f = kind.field(name);
      if (f && f->type == registry::FieldType::kText && !f->sensitive) {
        return {{"fields", {{name, "changed by the route matrix " + std::to_string(calls_)}}}};
      }
    }
    ADD_FAILURE() << "no free-text field to change in " << kind.plural;
    return {};
  }

  httplib::Result call(const server::Route& route, const Sample& s,
                       const httplib::Headers& headers) {
    httplib::Client c = client();
    const std::string target = s.path + (s.query.empty() ? "" : "?" + s.query);
    if (route.method == "GET") return c.Get(target, headers);
    if (route.method == "DELETE") return c.Delete(target, headers);
    if (route.method == "POST") return c.Post(target, headers, s.body, s.content_type);
    if (route.method == "PUT") return c.Put(target, headers, s.body, s.content_type);
    return c.Patch(target, headers, s.body, s.content_type);
  }

  std::string signin_password_, admin_job_;
  int calls_ = 0;
  Role caller_ = Role::kAdmin;  // whose call the next sample is for
};

TEST_F(RouteMatrix, EveryRouteAsEveryRoleAndAsNobody) {
  size_t checked = 0;
  for (const server::Route& route : server::routes()) {
    const std::string name = route.method + " " + route.path;
    // Nobody: only the public routes answer.
    {
      caller_ = Role::kViewer;
      const Sample s = sample(route);
      const auto res = call(route, s, {});
      ASSERT_TRUE(res) << name;
      if (route.permission == app::Permission::kPublic) {
        EXPECT_LT(res->status, 300) << name << " as nobody: " << res->body;
      } else {
        EXPECT_EQ(res->status, 401) << name << " as nobody: " << res->body;
      }
      ++checked;
    }
    for (Role role : app::kAllRoles) {
      caller_ = role;
      const Sample s = sample(route);
      const httplib::Headers headers = {
          {"Authorization", "Bearer " + (s.fresh_token ? fresh_token(role) : tokens_.at(role))}};
      const auto res = call(route, s, headers);
      ASSERT_TRUE(res) << name;
      const std::string who = name + " as " + std::string(app::role_name(role));
      if (!app::allows(role, route.permission)) {
        EXPECT_EQ(res->status, 403) << who << ": " << res->body;
      } else if (route.path.rfind("/api/jobs/{id}", 0) == 0 && role != Role::kAdmin) {
        EXPECT_EQ(res->status, 404) << who << " (another's job is not shown): " << res->body;
      } else if (route.path == "/api/jobs/{id}/file") {
        EXPECT_EQ(res->status, 404) << who << " (the job made no file): " << res->body;
      } else {
        EXPECT_GE(res->status, 200) << who;
        EXPECT_LT(res->status, 300) << who << ": " << res->body;
      }
      ++checked;
    }
  }
  // Six callers per route; the table has every kind's four routes and the rest.
  EXPECT_EQ(checked, server::routes().size() * 6);
  EXPECT_GT(server::routes().size(), 50u);
}

TEST_F(RouteMatrix, OpenApiDocumentDescribesExactlyTheRoutes) {
  const auto res = client().Get("/api/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const core::Json doc = core::Json::parse(res->body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  size_t operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) operations += methods.size();
  EXPECT_EQ(operations, server::routes().size());
  for (const server::Route& route : server::routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(doc["paths"].contains(route.path)) << route.path;
    ASSERT_TRUE(doc["paths"][route.path].contains(method)) << route.method << " " << route.path;
    const core::Json& op = doc["paths"][route.path][method];
    EXPECT_EQ(op["x-athar-permission"], app::permission_name(route.permission));
    EXPECT_TRUE(op["responses"].contains(std::to_string(route.success_status)));
    // Every path parameter of the route is described.
    size_t braces = 0;
    for (char c : route.path) braces += c == '{';
    size_t described = 0;
    for (const auto& p : op.value("parameters", core::Json::array()))
      described += p["in"] == "path";
    EXPECT_EQ(described, braces) << route.path;
  }
  // Each kind's schema carries its fields from the data dictionary.
  for (const registry::KindSpec& kind : registry::kind_specs()) {
    const auto& schema = doc["components"]["schemas"]["Record_" + std::string(kind.name)];
    for (const auto& f : kind.fields)
      EXPECT_TRUE(schema["properties"].contains(std::string(f.name)));
  }
}

}  // namespace
}  // namespace athar::testing
