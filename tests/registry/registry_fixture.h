// A registry on a fresh SQLite database in a scratch folder.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "registry/registry.h"
#include "store/database.h"
#include "test_support.h"

namespace athar::registry {

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest()
      : db_(store::open_sqlite(dir_.file("athar.db"), store::OpenMode::kCreate)),
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

  testing::ScratchDir dir_;
  std::unique_ptr<store::Database> db_;
  Registry registry_;
};

}  // namespace athar::registry
