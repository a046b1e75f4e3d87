// The OpenAPI 3.1 document, generated from the route table and the data dictionary.
#include <algorithm>
#include <cctype>

#include "registry/kinds.h"
#include "server/api.h"

namespace athar::server {

using core::OrderedJson;

namespace {

OrderedJson field_schema(const registry::FieldSpec& f) {
  using registry::FieldType;
  OrderedJson s = {{"type", "string"}, {"description", f.help}};
  switch (f.type) {
    case FieldType::kChoice:
    case FieldType::kStatus: {
      OrderedJson choices = OrderedJson::array();
      for (auto c : f.choices) choices.push_back(c);
      s["enum"] = choices;
      break;
    }
    case FieldType::kDate:
      s["pattern"] = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";
      break;
    case FieldType::kSha256:
      s["pattern"] = "^[0-9a-f]{64}$";
      break;
    case FieldType::kUrl:
      s["format"] = "uri";
      break;
    case FieldType::kRef:
      s["description"] =
          std::string(f.help) + " (a " + std::string(registry::kind_spec(f.ref_kind).name) + " id)";
      break;
    default:
      break;
  }
  if (f.sensitive) {
    s["description"] =
        std::string(f.help) + " (protected: sealed at rest, shown only through a logged reveal)";
  }
  return s;
}

OrderedJson record_schema(const registry::KindSpec& kind) {
  OrderedJson properties = {{"id", {{"type", "string"}, {"readOnly", true}}}};
  OrderedJson required = OrderedJson::array();
  for (const registry::FieldSpec& f : kind.fields) {
    properties[std::string(f.name)] = field_schema(f);
    if (f.required && f.type != registry::FieldType::kStatus) required.push_back(f.name);
  }
  for (const char* meta : {"created_at", "created_by", "updated_at"})
    properties[meta] = {{"type", "string"}, {"readOnly", true}};
  return {{"type", "object"},
          {"description", "A " + std::string(kind.name) + " record; fields as in `athar fields`"},
          {"properties", properties},
          {"x-required-on-add", required}};
}

std::string operation_id(const Route& r) {
  std::string id;
  for (char c : r.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool upper = true;
  for (char c : r.path.substr(4)) {  // after "/api"
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return id;
}

OrderedJson error_response(const char* description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

OrderedJson openapi_document() {
  OrderedJson schemas = OrderedJson::object();
  for (const registry::KindSpec& kind : registry::kind_specs())
    schemas["Record_" + std::string(kind.name)] = record_schema(kind);
  schemas["StatusReport"] = {{"type", "object"},
                             {"properties",
                              {{"changed_on", {{"type", "string"}}},
                               {"reported_by", {{"type", "string"}}},
                               {"source", {{"type", "string"}}},
                               {"note", {{"type", "string"}}}}}};
  schemas["Account"] = {
      {"type", "object"},
      {"properties",
       {{"name", {{"type", "string"}}},
        {"role",
         {{"type", "string"}, {"enum", {"admin", "investigator", "analyst", "liaison", "viewer"}}}},
        {"disabled", {{"type", "boolean"}}},
        {"second_factor", {{"type", "boolean"}}},
        {"one_time_password", {{"type", "string"}}}}}};
  schemas["SignedIn"] = {{"type", "object"},
                         {"properties",
                          {{"name", {{"type", "string"}}},
                           {"role", {{"type", "string"}}},
                           {"csrf", {{"type", "string"}}}}}};
  schemas["Job"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"kind", {{"type", "string"}}},
        {"state", {{"type", "string"}, {"enum", {"running", "done", "failed", "cancelled"}}}},
        {"progress", {{"type", "number"}}},
        {"phase", {{"type", "string"}}},
        {"result", {{"type", "object"}}},
        {"error", {{"$ref", "#/components/schemas/Error"}}}}}};
  schemas["StoredEvidence"] = {{"type", "object"},
                               {"properties",
                                {{"evidence", {{"type", "string"}}},
                                 {"custody", {{"type", "string"}}},
                                 {"sha256", {{"type", "string"}}},
                                 {"size", {{"type", "integer"}}},
                                 {"new_object", {{"type", "boolean"}}}}}};
  schemas["Upload"] = {{"type", "object"},
                       {"properties",
                        {{"id", {{"type", "string"}}},
                         {"file_name", {{"type", "string"}}},
                         {"size", {{"type", "integer"}}},
                         {"received", {{"type", "integer"}}}}}};
  schemas["Error"] = {{"type", "object"},
                      {"required", {"error", "message"}},
                      {"properties",
                       {{"error",
                         {{"type", "string"},
                          {"enum",
                           {"input", "not_found", "conflict", "forbidden", "corruption",
                            "unavailable", "internal", "unauthenticated"}}}},
                        {"message", {{"type", "string"}}},
                        {"record", {{"type", "string"}}},
                        {"field", {{"type", "string"}}},
                        {"value", {{"type", "string"}}},
                        {"problem", {{"type", "string"}}}}}};

  OrderedJson paths = OrderedJson::object();
  for (const Route& r : routes()) {
    OrderedJson op = {{"operationId", operation_id(r)},
                      {"summary", r.summary},
                      {"tags", {r.tag}},
                      {"x-athar-permission", std::string(app::permission_name(r.permission))}};
    OrderedJson params = OrderedJson::array();
    for (const Parameter& p : r.parameters) {
      if (p.name == "FIELD") continue;  // described in the summary of list routes
      params.push_back({{"name", p.name},
                        {"in", p.in},
                        {"required", p.required},
                        {"description", p.description},
                        {"schema", {{"type", p.type}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.is_null()) {
      const bool binary = r.request_schema.value("format", "") == "binary";
      op["requestBody"] = {{"required", true},
                           {"content",
                            {{binary ? "application/octet-stream" : "application/json",
                              {{"schema", r.request_schema}}}}}};
    }
    const bool binary_reply = r.reply_schema.value("format", "") == "binary";
    OrderedJson responses = OrderedJson::object();
    responses[std::to_string(r.success_status)] = {
        {"description", "success"},
        {"content",
         {{binary_reply ? "application/octet-stream" : "application/json",
           {{"schema", r.reply_schema}}}}}};
    responses["400"] = error_response("bad input: the message names the record, field and value");
    if (r.permission != app::Permission::kPublic) {
      responses["401"] = error_response("not signed in");
      responses["403"] = error_response("the role may not do this, or a missing CSRF token");
    }
    responses["404"] = error_response("not found");
    op["responses"] = responses;
    if (r.permission == app::Permission::kPublic) op["security"] = OrderedJson::array();
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    paths[r.path][method] = op;
  }

  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "Athar API"},
            {"version", "0.1.0"},
            {"description",
             "Registry, evidence and ledger for the investigation of mass graves and the "
             "search for the missing. Sign in at POST /api/session (cookie, with a CSRF token "
             "for writes) or send an API token as `Authorization: Bearer`."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes",
             {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "athar_session"}}},
              {"token", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", {{{"session", OrderedJson::array()}}, {{"token", OrderedJson::array()}}}}};
}

}  // namespace athar::server
