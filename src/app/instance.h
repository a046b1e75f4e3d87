// The application layer's two handles (../shared/DESIGN.md, "Layers"): an `Instance` is one
// Athar — its data folder, keys and store — opened once by a shell; a `Session` is one person
// acting through it (a CLI command, or one HTTP request) with a role. Use cases (app/*.h) take a
// Session, check its permission first, and return typed results with one JSON view each.
//
//   app::Instance instance("athar-data");
//   app::Session session(instance, {"rania", app::Role::kInvestigator});
//   auto page = app::list_records(session, registry::kind_spec(Kind::kSite), {});
//
// Thread rules: an Instance may be shared by any number of threads; each Session is one
// thread's, and holds one pooled connection (store::Database: one connection per thread) from
// its first use to its end.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/roles.h"
#include "core/json.h"
#include "matching/person_search.h"
#include "registry/field_cipher.h"
#include "registry/registry.h"
#include "store/database.h"

namespace athar::app {

class Jobs;

struct InitResult {
  std::string database;
  int schema_version = 0;
  std::string origin, verifier_key;
  core::OrderedJson to_json() const;
};

struct CredentialCache;

class Instance {
 public:
  // Opens an existing data folder (NotFound without its database); the schema is brought up to
  // date once, here. `keys_dir` defaults to DATA/keys.
  explicit Instance(std::filesystem::path data_dir, std::filesystem::path keys_dir = {});
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // `athar init`: the folder, the ledger's signing key, the field key, an empty database, all
  // owner-only. Conflict when a database is there. `database_url` "": SQLite, DATA/athar.db;
  // postgresql://…: that (existing, empty) database, named in DATA/database-url. A password
  // belongs in ~/.pgpass or PGPASSWORD, never in the data folder: a URL with one is refused.
  static InitResult create(const std::filesystem::path& data_dir,
                           std::filesystem::path keys_dir = {},
                           const std::string& database_url = {});

  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& keys_dir() const { return keys_dir_; }
  std::filesystem::path database_path() const { return data_dir_ / "athar.db"; }
  // The store the data folder uses: DATA/database-url's, else sqlite:DATA/athar.db.
  const std::string& database_url() const { return database_url_; }
  std::filesystem::path objects_path() const { return data_dir_ / "objects"; }
  const registry::FieldCipher* field_cipher() const {
    return field_cipher_ ? &*field_cipher_ : nullptr;
  }

  // One open connection with a registry over it. Returned to the pool when the lease ends.
  struct Connection {
    std::unique_ptr<store::Database> db;
    std::unique_ptr<registry::Registry> registry;
  };
  class Lease {
   public:
    Lease(Instance& owner, std::unique_ptr<Connection> connection)
        : owner_(&owner), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Instance* owner_;
    std::unique_ptr<Connection> connection_;
  };
  Lease acquire(const std::string& actor);

  // Background work started by sessions of this instance (app/jobs.h).
  Jobs& jobs() { return *jobs_; }
  // Persons by name, kept in memory for searches and refreshed from the registry before each.
  matching::PersonIndex& person_index() { return *person_index_; }
  // Credentials already found vouched for by the ledger (app/accounts.h).
  CredentialCache& credential_cache() { return *credential_cache_; }

 private:
  void release(std::unique_ptr<Connection> connection);
  std::filesystem::path data_dir_, keys_dir_;
  std::string database_url_;  // after data_dir_: read from it
  std::optional<registry::FieldCipher> field_cipher_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::unique_ptr<Jobs> jobs_;
  std::unique_ptr<matching::PersonIndex> person_index_;
  std::unique_ptr<CredentialCache> credential_cache_;
};

// Who is acting. `name` is written as the author of every change and of every protected read.
struct Actor {
  std::string name;
  Role role = Role::kViewer;
};

class Session {
 public:
  Session(Instance& instance, Actor actor) : instance_(instance), actor_(std::move(actor)) {}

  Instance& instance() const { return instance_; }
  const Actor& actor() const { return actor_; }
  bool may(Permission permission) const { return allows(actor_.role, permission); }
  // Forbidden naming the actor, their role and what they tried, unless the role allows it.
  void require(Permission permission, std::string_view what) const;

  registry::Registry& registry();
  store::Database& database() { return registry().database(); }

 private:
  Instance& instance_;
  Actor actor_;
  std::optional<Instance::Lease> lease_;
};

}  // namespace athar::app
