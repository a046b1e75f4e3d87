// A served Athar for tests: a fresh data folder with the demo scenario, one account and API
// token per role, one evidence file, and the HTTP server on a free loopback port.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "app/accounts.h"
#include "app/evidence.h"
#include "app/instance.h"
#include "postgresql_support.h"
#include "registry/import.h"
#include "server/http_server.h"
#include "test_support.h"

namespace athar::testing {

class ServedAthar : public ::testing::Test {
 protected:
  // Large enough for a persons CSV that a test cancels midway.
  static constexpr size_t kUploadLimit = size_t{32} << 20;

  void SetUp() override {
    data_ = scratch_.path() / "data";
    app::Instance::create(data_, {}, fresh_instance_database());
    instance_ = std::make_unique<app::Instance>(data_);
    app::Session setup(*instance_, {"setup", app::Role::kAdmin});
    registry::import_json(setup.registry(), ATHAR_SOURCE_DIR "/data/demo/scenario.json");
    for (app::Role role : app::kAllRoles) {
      const std::string name = "user-" + std::string(app::role_name(role));
      passwords_[role] = app::add_account(setup, name, role).one_time_password;
      app::Session as(*instance_, {name, role});
      tokens_[role] = app::create_api_token(as, "tests").token;
    }
    registry::IngestOptions intake;
    intake.collected_by = "test team";
    intake.collected_at = "2025-01-05T10:30Z";
    evidence_id_ =
        app::add_evidence(setup, scratch_.write("photo.txt", "synthetic evidence bytes"), intake)
            .result.evidence_id;
    server::ServerOptions options;
    options.port = 0;
    options.threads = 8;
    options.max_upload_bytes = kUploadLimit;
    options.max_json_bytes = 64 << 10;
    configure(options);
    http_ = std::make_unique<server::HttpServer>(*instance_, options);
    port_ = http_->bind();
    thread_ = std::thread([this] { http_->run(); });
  }

  // A test's own server options (a web UI folder, ...), set before the server starts.
  virtual void configure(server::ServerOptions&) {}

  void TearDown() override {
    http_->stop();
    thread_.join();
    http_.reset();
    instance_.reset();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  httplib::Headers bearer(app::Role role) const {
    return {{"Authorization", "Bearer " + tokens_.at(role)}};
  }
  // A new API token for `role`'s account (for calls that end their own credential).
  std::string fresh_token(app::Role role) {
    app::Session as(*instance_, {"user-" + std::string(app::role_name(role)), role});
    return app::create_api_token(as, "fresh").token;
  }
  app::Session admin_session() { return app::Session(*instance_, {"setup", app::Role::kAdmin}); }
  uint64_t ledger_size() {
    app::Session s = admin_session();
    s.registry().ledger().reload();
    return s.registry().ledger().size();
  }

  ScratchDir scratch_;
  std::filesystem::path data_;
  std::unique_ptr<app::Instance> instance_;
  std::map<app::Role, std::string> passwords_, tokens_;
  std::string evidence_id_;
  std::unique_ptr<server::HttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace athar::testing
