// The HTTP API as data: one table of routes, each with its method, path, the permission it
// needs, what it does, its parameters, and the handler that calls the application layer. The
// server dispatches from this table, the OpenAPI document is generated from it (with the data
// dictionary), and the role × route test walks it, so a route cannot be added without being
// described and checked.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/instance.h"
#include "app/roles.h"
#include "core/json.h"

namespace athar::server {

// What a handler sees of a request.
struct Call {
  app::Instance& instance;
  app::Session& session;
  bool signed_in = false;
  std::string bearer;                       // the credential used, if any (sign-out ends it)
  std::string client;                       // the caller's address
  std::map<std::string, std::string> path;  // {id}, {index}, ...
  std::multimap<std::string, std::string> query;
  std::string body;
  // For a route whose body is a file (evidence): where the server streamed it; removed after.
  std::filesystem::path upload;

  const std::string& path_param(const std::string& name) const { return path.at(name); }
  std::optional<std::string> query_param(const std::string& name) const;
  // The name the caller gave a file it sent (`filename=`, folders dropped); "" when none.
  std::string sent_file_name() const;
  // The body as a JSON object: InputError naming the problem otherwise.
  core::Json json_body() const;
};

struct Reply {
  int status = 200;
  core::OrderedJson json;
  // A reply that is not JSON: its bytes, or a file streamed from disk in pieces (an evidence
  // file, a bundle: never read whole into memory; ranges may be asked for), and media type.
  std::optional<std::string> bytes;
  std::filesystem::path file;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Parameter {
  std::string name;
  std::string in;               // "path" or "query"
  std::string type = "string";  // "string" or "integer"
  std::string description;
  bool required = false;
};

struct Route {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // "/api/sites/{id}"
  app::Permission permission;
  std::string summary;
  std::string tag;
  std::vector<Parameter> parameters;
  // The JSON schema of the request body (null: none), and of the success reply.
  core::OrderedJson request_schema, reply_schema;
  int success_status = 200;
  std::function<Reply(Call&)> handler;
};

const std::vector<Route>& routes();

// Matches `path` against a route's pattern; fills `params` on success.
bool match_path(std::string_view pattern, std::string_view path,
                std::map<std::string, std::string>& params);

// OpenAPI 3.1 describing routes(), with a schema per kind of record from the data dictionary.
core::OrderedJson openapi_document();

}  // namespace athar::server
