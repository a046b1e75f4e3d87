// `athar serve`: the HTTP API (server/api.h) over one Instance, on cpp-httplib. Requests are
// served by a pool of threads, each request with its own Session over a pooled connection.
//
//   app::Instance instance("athar-data");
//   server::HttpServer http(instance, {.host = "127.0.0.1", .port = 8080});
//   int port = http.bind();   // 0 asks for any free port
//   http.run();               // until stop()
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "app/instance.h"
#include "core/error.h"

namespace athar::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string certificate, private_key;  // PEM files: TLS when both are given
  // One per open connection: an idle keep-alive connection holds its thread until it closes,
  // so there are more threads than the connections expected at once.
  size_t threads = 256;
  // Requests whose handlers run at once (the others wait in order of arrival): twice the cores.
  size_t running = 2 * std::max(1u, std::thread::hardware_concurrency());
  size_t max_upload_bytes = size_t{256} << 20;
  size_t max_json_bytes = size_t{1} << 20;
  // The built web UI served at every path outside /api (app::shipped_web_ui); empty: none, and
  // `web_ui_missing` says why to whoever asks for a page.
  std::filesystem::path web_root;
  std::string web_ui_missing;
  // An online tile layer under the offline basemap (a URL template with {z}, {x} and {y}, and
  // the attribution its provider requires); none by default: Athar needs no internet.
  std::string tiles_url, tiles_attribution;
};

// The one table from an error's kind to an HTTP status.
int http_status_of(core::ErrorKind kind);

class HttpServer {
 public:
  HttpServer(app::Instance& instance, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port. Unavailable when it cannot.
  int bind();
  void run();   // serves until stop()
  void stop();  // from any thread
  bool tls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace athar::server
