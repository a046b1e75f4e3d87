// A registry on a fresh database: SQLite in a scratch folder, or with ATHAR_TEST_BACKEND=postgresql
// a fresh database on the test PostgreSQL cluster (tests/postgresql_support.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "postgresql_support.h"
#include "registry/registry.h"
#include "store/database.h"
#include "test_support.h"

namespace athar::registry {

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest()
      : url_(testing::fresh_test_database_url(dir_)),
        db_(store::open(url_, store::OpenMode::kCreate)),
        registry_((Registry::prepare_schema(*db_), *db_), "tester") {
    FieldCipher::create(dir_.path() / "keys");
    registry_.set_field_cipher(FieldCipher::load(dir_.path() / "keys"));
  }

  // Adds a record of `kind` with the given fields in its own transaction.
  Record add(Kind kind, std::initializer_list<std::pair<const char*, const char*>> fields,
             const StatusReport& report = {}) {
    Record r(kind_spec(kind));
    for (const auto& [name, value] : fields) r.set(name, value);
    Registry::Transaction tx(registry_);
    Record stored = registry_.add(std::move(r), report, "test record");
    tx.commit();
    return stored;
  }
  Record update(const std::string& id, const FieldChanges& changes,
                const StatusReport& report = {}) {
    Registry::Transaction tx(registry_);
    Record r = registry_.update(id, changes, report);
    tx.commit();
    return r;
  }
  Record source() { return add(Kind::kSource, {{"name", "Test list"}, {"kind", "document"}}); }
  Record site() {
    return add(Kind::kSite, {{"name_lat", "al-Qutayfah"},
                             {"latitude", "33.7386"},
                             {"longitude", "36.6008"},
                             {"governorate", "Rif Dimashq"}});
  }
  int64_t count(Kind kind) { return registry_.count(kind_spec(kind)); }

  // Runs SQL through the store's own shell, as someone with access to it would (the second
  // form: where the dialects differ, each backend's).
  void shell(const std::string& sql) {
    const std::string command = testing::database_shell_command(url_, sql);
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void shell(const std::string& sqlite, const std::string& postgresql) {
    shell(db_->dialect() == store::Dialect::kPostgresql ? postgresql : sqlite);
  }

  testing::ScratchDir dir_;
  std::string url_;
  std::unique_ptr<store::Database> db_;
  Registry registry_;
};

}  // namespace athar::registry
