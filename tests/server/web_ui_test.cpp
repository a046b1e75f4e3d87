// The web UI's files served beside the API: pages and assets from the built folder only (no
// traversal, no hidden files, no link out of it), a strict content security policy, gzip when
// the browser takes it; and the API routes the browser's own proof checks rely on.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/json.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "server_fixture.h"

namespace athar::testing {
namespace {

class WebUiServed : public ServedAthar {
 protected:
  void configure(server::ServerOptions& options) override {
    web_ = scratch_.path() / "web";
    std::filesystem::create_directories(web_ / "assets");
    std::ofstream(web_ / "index.html") << "<!doctype html><title>Athar</title>";
    std::ofstream(web_ / "assets" / "app-ABC.js") << "console.log('athar')";
    std::ofstream(web_ / ".secret") << "hidden";
    std::ofstream(scratch_.path() / "outside.txt") << "outside the web folder";
    std::filesystem::create_symlink(scratch_.path() / "outside.txt", web_ / "link-out.txt");
    options.web_root = web_;
  }
  std::filesystem::path web_;
};

TEST_F(WebUiServed, ServesTheIndexWithAStrictContentSecurityPolicy) {
  auto c = client();
  const auto res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "<!doctype html><title>Athar</title>");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  const std::string csp = res->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
}

TEST_F(WebUiServed, HashedAssetsAreKeptAndSentGzippedToBrowsersThatTakeIt) {
  auto c = client();
  const auto plain = c.Get("/assets/app-ABC.js", {{"Accept-Encoding", "identity"}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(plain->body, "console.log('athar')");
  EXPECT_EQ(plain->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(plain->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_FALSE(plain->has_header("Content-Encoding"));

  // Compressed once (a browser reads it with one gunzip).
  httplib::Client raw("127.0.0.1", port_);
  raw.set_decompress(false);
  // Brotli is not used: the library's brotli is far slower than gzip (see serve_web_ui).
  const auto packed = raw.Get("/assets/app-ABC.js", {{"Accept-Encoding", "br, gzip, deflate"}});
  ASSERT_TRUE(packed);
  EXPECT_EQ(packed->get_header_value_count("Content-Encoding"), 1u);
  EXPECT_EQ(packed->get_header_value("Content-Encoding"), "gzip");
  ASSERT_GE(packed->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed->body[0]), 0x1f);
  auto c2 = client();
  const auto unpacked = c2.Get("/assets/app-ABC.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(unpacked);
  EXPECT_EQ(unpacked->body, "console.log('athar')");
}

TEST_F(WebUiServed, NothingOutsideTheBuiltFolderNorHidden) {
  httplib::Client c("127.0.0.1", port_);
  for (const char* path : {"/../outside.txt", "/assets/../../outside.txt", "/.secret",
                           "/link-out.txt", "/assets/", "/assets//app-ABC.js", "/nope.html",
                           "/%2e%2e/outside.txt", "/assets/%2e%2e/%2e%2e/outside.txt"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("outside the web folder"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("hidden"), std::string::npos) << path;
  }
}

TEST_F(WebUiServed, NoTileServerUnlessConfigured) {
  auto c = client();
  const auto res = c.Get("/config.json");
  ASSERT_TRUE(res);
  EXPECT_EQ(core::Json::parse(res->body)["tiles"], "");
  EXPECT_EQ(res->get_header_value("Content-Security-Policy").find("http"), std::string::npos);
}

class WebUiWithTiles : public WebUiServed {
 protected:
  void configure(server::ServerOptions& options) override {
    WebUiServed::configure(options);
    options.tiles_url = "https://tiles.example.org/osm/{z}/{x}/{y}.png";
    options.tiles_attribution = "© example contributors";
  }
};

TEST_F(WebUiWithTiles, TheConfiguredTileServerIsAllowedAndNamed) {
  auto c = client();
  const auto res = c.Get("/config.json");
  ASSERT_TRUE(res);
  const core::Json config = core::Json::parse(res->body);
  EXPECT_EQ(config["tiles"], "https://tiles.example.org/osm/{z}/{x}/{y}.png");
  EXPECT_EQ(config["tiles_attribution"], "© example contributors");
  const std::string csp = c.Get("/")->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("img-src 'self' data: blob: https://tiles.example.org;"), std::string::npos)
      << csp;
  EXPECT_NE(csp.find("connect-src 'self';"), std::string::npos) << csp;
}

TEST(WebUiOptions, ATileUrlThatIsNotATemplateIsRefused) {
  ScratchDir scratch;
  app::Instance::create(scratch.path() / "data", {}, testing::fresh_instance_database());
  app::Instance instance(scratch.path() / "data");
  for (const char* url : {"tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/map.png",
                          "https://x/{z}/{x}/{y}.png; script-src *", "javascript:{z}{x}{y}"}) {
    server::ServerOptions options;
    options.port = 0;
    options.tiles_url = url;
    EXPECT_THROW(server::HttpServer(instance, options), core::InputError) << url;
  }
}

TEST_F(WebUiServed, PagesAreReadOnlyAndTheApiStaysTheApi) {
  auto c = client();
  const auto post = c.Post("/index.html", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  const auto api = c.Get("/api/no-such-route");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_NE(api->body.find("no such route"), std::string::npos);
}

TEST_F(ServedAthar, WithoutAWebUiAPageSaysHowToBuildOne) {
  // The fixture gives no web folder; the CLI fills web_ui_missing, here it is empty.
  auto c = client();
  const auto res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find("the web UI is not built here"), std::string::npos) << res->body;
}

TEST(WebUiOptions, AFolderWithoutIndexIsRefusedAtStart) {
  ScratchDir scratch;
  app::Instance::create(scratch.path() / "data", {}, testing::fresh_instance_database());
  app::Instance instance(scratch.path() / "data");
  server::ServerOptions options;
  options.port = 0;
  options.web_root = scratch.path();
  try {
    server::HttpServer http(instance, options);
    FAIL() << "a folder without index.html was taken as the web UI";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--web"), std::string::npos) << e.what();
  }
}

TEST_F(ServedAthar, TheVerifierKeyIsPublicAndIsTheLedgers) {
  auto c = client();
  const auto res = c.Get("/api/ledger/key");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string text = core::Json::parse(res->body)["verifier_key"].get<std::string>();
  const ledger::VerifierKey served = ledger::parse_verifier_key(text);
  const ledger::VerifierKey kept = ledger::load_verifier_key(instance_->keys_dir());
  EXPECT_EQ(served.public_key, kept.public_key);
  EXPECT_EQ(served.key_id, kept.key_id);
  EXPECT_EQ(served.name, kept.name);
  EXPECT_EQ(ledger::verifier_key_text(served), text);
}

TEST_F(ServedAthar, TheNewestLedgerEntriesForRolesThatReadTheLedger) {
  auto c = client();
  const uint64_t size = ledger_size();
  const auto res = c.Get("/api/ledger?limit=3", bearer(app::Role::kAnalyst));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const core::Json page = core::Json::parse(res->body);
  // Reading with a token may itself be an entry; the page is at least the size before.
  EXPECT_GE(page["size"].get<uint64_t>(), size);
  ASSERT_EQ(page["entries"].size(), 3u);
  const uint64_t newest = page["entries"][0]["index"].get<uint64_t>();
  EXPECT_EQ(newest, page["size"].get<uint64_t>() - 1);
  EXPECT_EQ(page["entries"][2]["index"].get<uint64_t>(), newest - 2);

  const auto earlier = c.Get("/api/ledger?limit=2&before=5", bearer(app::Role::kAnalyst));
  ASSERT_TRUE(earlier);
  const core::Json two = core::Json::parse(earlier->body);
  ASSERT_EQ(two["entries"].size(), 2u);
  EXPECT_EQ(two["entries"][0]["index"], 4);
  EXPECT_EQ(two["entries"][1]["index"], 3);

  const auto viewer = c.Get("/api/ledger", bearer(app::Role::kViewer));
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->status, 403);
}

// What the browser checks: the record names the entry that vouches for it; the entry's sha256
// is the hash of the record's canonical form, which the entry route gives; that form holds the
// file's SHA-256.
TEST_F(ServedAthar, AnEvidenceRecordCanBeProvedFromItsEntryAndCanonicalForm) {
  auto c = client();
  const auto record = c.Get("/api/evidence/" + evidence_id_, bearer(app::Role::kInvestigator));
  ASSERT_TRUE(record);
  ASSERT_EQ(record->status, 200) << record->body;
  const core::Json evidence = core::Json::parse(record->body);
  ASSERT_TRUE(evidence.contains("ledger")) << record->body;
  const uint64_t index = evidence["ledger"][0]["entry"].get<uint64_t>();
  EXPECT_EQ(evidence["ledger"][0]["op"], "registry.add");

  const auto entry =
      c.Get("/api/ledger/entries/" + std::to_string(index), bearer(app::Role::kInvestigator));
  ASSERT_TRUE(entry);
  const core::Json e = core::Json::parse(entry->body);
  ASSERT_TRUE(e.contains("version")) << entry->body;
  const std::string version = e["version"].get<std::string>();
  EXPECT_EQ(ledger::to_hex(ledger::sha256(version)), e["entry"]["sha256"].get<std::string>());
  EXPECT_EQ(core::Json::parse(version)["fields"]["sha256"], evidence["sha256"]);
  EXPECT_EQ(e["entry"]["record"], evidence_id_);

  // An entry that is not a record's (a sign-in) has no version.
  const auto first = c.Get("/api/ledger?limit=1", bearer(app::Role::kInvestigator));
  const uint64_t last = core::Json::parse(first->body)["entries"][0]["index"].get<uint64_t>();
  const auto other =
      c.Get("/api/ledger/entries/" + std::to_string(last), bearer(app::Role::kInvestigator));
  const core::Json o = core::Json::parse(other->body);
  if (o["entry"]["op"].get<std::string>().rfind("registry.", 0) != 0) {
    EXPECT_FALSE(o.contains("version")) << other->body;
  }
}

TEST_F(ServedAthar, APostWithNoBodyAtAllIsAnEmptyRequest) {
  httplib::Client c("127.0.0.1", port_);
  const auto res = c.Post("/api/jobs/check", bearer(app::Role::kAnalyst), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202) << res->body;
}

// A large file over a poor link: sent in pieces, the connection breaks, the browser asks how
// much arrived and goes on from there; then the whole file is stored under its own name.
TEST_F(ServedAthar, AnUploadInPiecesResumesFromWhatTheServerHasAndIsStoredWhole) {
  auto c = client();
  const auto h = bearer(app::Role::kInvestigator);
  const std::string file = "a synthetic video file, sent in three pieces over a poor link";
  auto res =
      c.Post("/api/uploads", h,
             core::Json{{"file_name", "C:\\camera/clip 7.mp4"}, {"size", file.size()}}.dump(),
             "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const core::Json begun = core::Json::parse(res->body);
  const std::string id = begun["id"];
  EXPECT_EQ(begun["received"], 0);
  const std::string at = "/api/uploads/" + id;

  res = c.Put(at + "?offset=0", h, file.substr(0, 20), "application/octet-stream");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(core::Json::parse(res->body)["received"], 20);
  // The same piece again (the reply was lost): refused, saying where the server stands.
  res = c.Put(at + "?offset=0", h, file.substr(0, 20), "application/octet-stream");
  EXPECT_EQ(res->status, 409) << res->body;
  EXPECT_NE(res->body.find("the server has 20 bytes"), std::string::npos) << res->body;
  // Finishing early is refused; nothing is stored.
  res = c.Post(at + "/evidence", h, R"({"collected_by":"team","collected_at":"2025-01-05T10:30Z"})",
               "application/json");
  EXPECT_EQ(res->status, 400) << res->body;
  // Where to go on from, as after a broken connection.
  res = c.Get(at, h);
  ASSERT_EQ(res->status, 200) << res->body;
  const uint64_t have = core::Json::parse(res->body)["received"];
  EXPECT_EQ(have, 20u);
  // Another account does not see it, nor add to it.
  EXPECT_EQ(c.Get(at, bearer(app::Role::kAdmin))->status, 404);
  EXPECT_EQ(
      c.Put(at + "?offset=20", bearer(app::Role::kAdmin), "x", "application/octet-stream")->status,
      404);
  // Past the declared size: refused, nothing appended.
  res = c.Put(at + "?offset=20", h, file.substr(20) + "more", "application/octet-stream");
  EXPECT_EQ(res->status, 400) << res->body;
  res = c.Put(at + "?offset=20", h, file.substr(20, 20), "application/octet-stream");
  ASSERT_EQ(res->status, 200) << res->body;
  res = c.Put(at + "?offset=40", h, file.substr(40), "application/octet-stream");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(core::Json::parse(res->body)["received"], file.size());

  res = c.Post(at + "/evidence", h,
               R"({"collected_by":"team","collected_at":"2025-01-05T10:30Z","site":"site-0001"})",
               "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const core::Json stored = core::Json::parse(res->body);
  EXPECT_EQ(stored["sha256"], ledger::to_hex(ledger::sha256(file)));
  const auto record = c.Get("/api/evidence/" + stored["evidence"].get<std::string>(), h);
  const core::Json evidence = core::Json::parse(record->body);
  EXPECT_EQ(evidence["custody"][0]["original_name"], "clip 7.mp4") << record->body;
  EXPECT_EQ(evidence["custody"][0]["site"], "site-0001");
  const auto content =
      c.Get("/api/evidence/" + stored["evidence"].get<std::string>() + "/content", h);
  EXPECT_EQ(content->body, file);
  // Finished: the upload is gone.
  EXPECT_EQ(c.Get(at, h)->status, 404);
}

TEST_F(ServedAthar, AnUploadIdNamesNoPath) {
  auto c = client();
  const auto h = bearer(app::Role::kInvestigator);
  for (const char* id : {"..%2F..%2Fathar.db", "0123", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"}) {
    const auto res = c.Get(std::string("/api/uploads/") + id, h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << id << ": " << res->body;
  }
  const auto zero = c.Post("/api/uploads", h, R"({"file_name":"x","size":0})", "application/json");
  EXPECT_EQ(zero->status, 400) << zero->body;
}

TEST_F(ServedAthar, AnUploadedFileKeepsTheNameItWasSentAs) {
  auto c = client();
  const auto res = c.Post(
      "/api/evidence?collected_by=team&collected_at=2025-01-05T10:30Z&filename=grave%201.jpg",
      bearer(app::Role::kInvestigator), "synthetic photo bytes", "application/octet-stream");
  ASSERT_EQ(res->status, 201) << res->body;
  const auto record =
      c.Get("/api/evidence/" + core::Json::parse(res->body)["evidence"].get<std::string>(),
            bearer(app::Role::kInvestigator));
  EXPECT_EQ(core::Json::parse(record->body)["custody"][0]["original_name"], "grave 1.jpg");
}

// Every route that takes a file: its problems name the file as it was sent.
TEST_F(ServedAthar, AProblemInAnUploadedFileNamesItAsSent) {
  auto c = client();
  const std::string families =
      "family,member,sex,father,mother,sample,missing\n"
      "F-1,mother,female,-,-,no-such-sample,no\nF-1,child,male,-,mother,-,yes\n";
  auto res = c.Post("/api/kinship/families?filename=families%20F.csv", bearer(app::Role::kAdmin),
                    families, "text/csv");
  ASSERT_EQ(res->status, 400) << res->body;
  EXPECT_NE(res->body.find("families F.csv row 2"), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find("uploads"), std::string::npos) << res->body;
  res = c.Post("/api/kinship/families", bearer(app::Role::kAdmin), families, "text/csv");
  EXPECT_NE(res->body.find("the uploaded file row 2"), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find("uploads"), std::string::npos) << res->body;
}

TEST_F(ServedAthar, AnUploadNobodyContinuedForAWeekIsGivenUp) {
  auto c = client();
  const auto h = bearer(app::Role::kInvestigator);
  auto res = c.Post("/api/uploads", h, R"({"file_name":"old.mp4","size":10})", "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string old = core::Json::parse(res->body)["id"];
  ASSERT_EQ(
      c.Put("/api/uploads/" + old + "?offset=0", h, "12345", "application/octet-stream")->status,
      200);
  const auto folder = data_ / "uploads" / "partial";
  const auto long_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 8);
  for (const char* ext : {".part", ".json"})
    std::filesystem::last_write_time(folder / (old + ext), long_ago);
  // Beginning another gives up the abandoned one; a recent one stays.
  res = c.Post("/api/uploads", h, R"({"file_name":"new.mp4","size":10})", "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string fresh = core::Json::parse(res->body)["id"];
  EXPECT_EQ(c.Get("/api/uploads/" + old, h)->status, 404);
  EXPECT_EQ(c.Get("/api/uploads/" + fresh, h)->status, 200);
}

// Two connections of one browser send the same piece at once (a retry racing the original):
// one is appended, the other told where the server stands; the file is not doubled.
TEST_F(ServedAthar, TheSamePieceSentTwiceAtOnceIsAppendedOnce) {
  const auto h = bearer(app::Role::kInvestigator);
  for (int round = 0; round < 10; ++round) {
    auto res = client().Post("/api/uploads", h, R"({"file_name":"race.bin","size":8})",
                             "application/json");
    ASSERT_EQ(res->status, 201) << res->body;
    const std::string at = "/api/uploads/" + core::Json::parse(res->body)["id"].get<std::string>();
    std::array<int, 2> status{};
    std::vector<std::thread> senders;
    for (int& s : status) {
      senders.emplace_back([&, at] {
        s = client().Put(at + "?offset=0", h, "abcdefgh", "application/octet-stream")->status;
      });
    }
    for (auto& t : senders) t.join();
    std::sort(status.begin(), status.end());
    EXPECT_EQ(status[0], 200);
    EXPECT_EQ(status[1], 409);
    EXPECT_EQ(core::Json::parse(client().Get(at, h)->body)["received"], 8);
  }
}

}  // namespace
}  // namespace athar::testing
