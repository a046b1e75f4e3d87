// What the `athar` command's parts share: global options, the open registry, JSON output.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "app/instance.h"
#include "core/error.h"
#include "core/json.h"
#include "registry/registry.h"
#include "store/database.h"

namespace athar::cli {

struct Globals {
  std::string data_dir = "athar-data";
  std::string keys_dir;  // default <data>/keys
  std::string actor;
  bool json = false;
};

inline std::filesystem::path objects_path(const Globals& g) {
  return std::filesystem::path(g.data_dir) / "objects";
}
inline std::filesystem::path keys_path(const Globals& g) {
  return g.keys_dir.empty() ? std::filesystem::path(g.data_dir) / "keys"
                            : std::filesystem::path(g.keys_dir);
}

inline std::string default_actor() {
  for (const char* var : {"ATHAR_ACTOR", "USER", "LOGNAME"}) {
    if (const char* v = std::getenv(var); v && *v) return v;
  }
  return "local-user";
}

// The application layer as the local shell uses it: whoever holds the data folder and its keys
// acts as an admin, under the name given by --actor.
// The data folder's instance; when it holds no registry, the message says how to name one.
inline std::filesystem::path existing_data_dir(const Globals& g) {
  std::error_code ec;
  const std::filesystem::path data(g.data_dir);
  if (!std::filesystem::exists(data / "athar.db", ec) &&
      !std::filesystem::exists(data / "database-url", ec)) {
    throw core::NotFound("no Athar registry in " + g.data_dir +
                         (g.data_dir == "athar-data" ? " (the default data folder, here)" : "") +
                         ": give the folder that holds athar.db (or database-url) with --data "
                         "FOLDER (or ATHAR_DATA=FOLDER), or create one with `athar init --data "
                         "FOLDER`");
  }
  return g.data_dir;
}

struct AppSession {
  explicit AppSession(const Globals& g)
      : instance(existing_data_dir(g), keys_path(g)),
        session(instance, {g.actor, app::Role::kAdmin}) {}
  app::Instance instance;
  app::Session session;
};

inline void print_json(const core::OrderedJson& j) { std::cout << j.dump(2) << "\n"; }

// `athar estimate` (estimate_command.cpp).
void add_estimate_command(CLI::App& app, Globals& g, std::function<void()>& action);

}  // namespace athar::cli
