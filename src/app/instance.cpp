#include "app/instance.h"

#include <sodium.h>

#include <array>
#include <fstream>

#include "app/accounts.h"
#include "app/jobs.h"
#include "core/encoding.h"
#include "core/error.h"
#include "ledger/checkpoint.h"
#include "ledger/log.h"
#include "store/dialect.h"
#include "store/migrations.h"

namespace athar::app {

namespace fs = std::filesystem;

core::OrderedJson InitResult::to_json() const {
  return {{"database", database},
          {"schema_version", schema_version},
          {"origin", origin},
          {"verifier_key", verifier_key}};
}

namespace {
fs::path keys_or_default(const fs::path& data_dir, fs::path keys_dir) {
  return keys_dir.empty() ? data_dir / "keys" : std::move(keys_dir);
}

// DATA/database-url: the PostgreSQL database a data folder uses (its first line).
fs::path url_file(const fs::path& data_dir) { return data_dir / "database-url"; }

std::string database_url_of(const fs::path& data_dir) {
  std::ifstream in(url_file(data_dir));
  std::string url;
  if (in && std::getline(in, url) && !url.empty()) return url;
  return store::sqlite_url((data_dir / "athar.db").string());
}
}  // namespace

InitResult Instance::create(const fs::path& data_dir, fs::path keys_dir,
                            const std::string& database_url) {
  if (sodium_init() < 0) throw core::Unavailable("libsodium cannot be initialised");
  keys_dir = keys_or_default(data_dir, std::move(keys_dir));
  const fs::path database = data_dir / "athar.db";
  const bool sqlite = database_url.empty();
  if (!sqlite && store::without_password(database_url) != database_url)
    throw core::InputError("athar init", "db", store::without_password(database_url),
                           "a URL without a password (give it in ~/.pgpass or PGPASSWORD)");
  if (fs::exists(database) || fs::exists(url_file(data_dir)))
    throw core::Conflict(data_dir.string() + " holds an Athar database already");
  std::unique_ptr<store::Database> db;
  if (!sqlite) {  // first, so that a wrong URL leaves nothing behind
    db = store::open(database_url, store::OpenMode::kCreate);
    if (store::schema_version(*db) > 0)
      throw core::Conflict(store::without_password(database_url) + " holds an Athar database");
  }
  fs::create_directories(data_dir);
  // The key pair first: a database is never left without the key that signs its log.
  std::array<uint8_t, 8> random{};
  randombytes_buf(random.data(), random.size());
  InitResult result;
  result.origin = "athar/" + core::hex_encode(random);
  const auto key = ledger::generate_signing_key(result.origin);
  ledger::save_signing_key(key, keys_dir);
  registry::FieldCipher::create(keys_dir);
  // Only the owner may enter the data folder or read its keys and database.
  fs::permissions(data_dir, fs::perms::owner_all);
  fs::permissions(keys_dir, fs::perms::owner_all);
  if (sqlite) {
    db = store::open(store::sqlite_url(database.string()), store::OpenMode::kCreate);
    fs::permissions(database, fs::perms::owner_read | fs::perms::owner_write);
  }
  result.schema_version = registry::Registry::prepare_schema(*db);
  ledger::set_origin(*db, result.origin);
  if (!sqlite) {
    std::ofstream(url_file(data_dir)) << database_url << "\n";
    fs::permissions(url_file(data_dir), fs::perms::owner_read | fs::perms::owner_write);
  }
  result.database = sqlite ? database.string() : database_url;
  result.verifier_key = ledger::verifier_key_text(key);
  return result;
}

Instance::Instance(fs::path data_dir, fs::path keys_dir)
    : data_dir_(std::move(data_dir)),
      keys_dir_(keys_or_default(data_dir_, std::move(keys_dir))),
      database_url_(database_url_of(data_dir_)) {
  // Passwords, tokens and keys below all draw on libsodium's generator.
  if (sodium_init() < 0) throw core::Unavailable("libsodium cannot be initialised");
  jobs_ = std::make_unique<Jobs>();
  person_index_ = std::make_unique<matching::PersonIndex>();
  credential_cache_ = std::make_unique<CredentialCache>();
  auto db = store::open(database_url_, store::OpenMode::kExisting);
  registry::Registry::prepare_schema(*db);
  if (registry::FieldCipher::exists(keys_dir_)) {
    field_cipher_ = registry::FieldCipher::load(keys_dir_);
  }
}

Instance::~Instance() {
  jobs_.reset();  // running jobs hold leases: they end before the pool does
}

Instance::Lease::~Lease() {
  if (owner_ && connection_) owner_->release(std::move(connection_));
}

Instance::Lease Instance::acquire(const std::string& actor) {
  std::unique_ptr<Connection> connection;
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!connection) {
    connection = std::make_unique<Connection>();
    connection->db = store::open(database_url_, store::OpenMode::kExisting);
    connection->registry = std::make_unique<registry::Registry>(*connection->db, actor);
    if (field_cipher_) connection->registry->set_field_cipher(*field_cipher_);
  } else {
    connection->registry->set_actor(actor);
  }
  return Lease(*this, std::move(connection));
}

void Instance::release(std::unique_ptr<Connection> connection) {
  // A connection left inside a transaction (an exception mid-use) is not reused.
  if (connection->db->in_transaction()) return;
  std::lock_guard lock(pool_mutex_);
  idle_.push_back(std::move(connection));
}

void Session::require(Permission permission, std::string_view what) const {
  if (allows(actor_.role, permission)) return;
  throw core::Forbidden(actor_.name + " (" + std::string(role_name(actor_.role)) + ") may not " +
                        std::string(what) + ": it needs " +
                        std::string(permission_name(permission)));
}

registry::Registry& Session::registry() {
  if (!lease_) lease_.emplace(instance_.acquire(actor_.name));
  return *(*lease_)->registry;
}

}  // namespace athar::app
