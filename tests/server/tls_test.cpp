// `athar serve --tls-cert --tls-key`: HTTPS with the session cookie marked Secure; a missing or
// unreadable key is refused at start with a clear error.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "app/accounts.h"
#include "app/instance.h"
#include "postgresql_support.h"
#include "server/http_server.h"
#include "test_support.h"

namespace athar::testing {
namespace {

TEST(Tls, ServesHttpsAndMarksTheCookieSecure) {
  ScratchDir dir;
  const auto made =
      run_command("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " +
                  dir.file("key.pem") + " -out " + dir.file("cert.pem"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  app::Instance::create(dir.path() / "data", {}, testing::fresh_instance_database());
  app::Instance instance(dir.path() / "data");
  std::string password;
  {
    app::Session admin(instance, {"setup", app::Role::kAdmin});
    password = app::add_account(admin, "rania", app::Role::kInvestigator).one_time_password;
  }
  server::ServerOptions options;
  options.port = 0;
  options.threads = 4;
  options.certificate = dir.file("cert.pem");
  options.private_key = dir.file("key.pem");
  server::HttpServer https(instance, options);
  EXPECT_TRUE(https.tls());
  const int port = https.bind();
  std::thread serving([&] { https.run(); });
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);  // self-signed for the test
  const auto res = client.Post(
      "/api/session", R"({"name":"rania","password":")" + password + R"("})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  // Plain HTTP to the HTTPS port gets no answer.
  httplib::Client plain("127.0.0.1", port);
  plain.set_read_timeout(2, 0);
  const auto refused = plain.Get("/api/openapi.json");
  EXPECT_TRUE(!refused || refused->status != 200);
  https.stop();
  serving.join();

  options.private_key = dir.file("no-such-key.pem");
  EXPECT_THROW(server::HttpServer(instance, options), core::Unavailable);
  options.private_key.clear();
  EXPECT_THROW(server::HttpServer(instance, options), core::InputError);
}

}  // namespace
}  // namespace athar::testing
