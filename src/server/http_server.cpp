#include "server/http_server.h"

#include <httplib.h>
#include <sodium.h>

#include <array>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "app/accounts.h"
#include "core/encoding.h"
#include "core/text.h"
#include "server/api.h"

namespace athar::server {

int http_status_of(core::ErrorKind kind) {
  switch (kind) {
    case core::ErrorKind::kInput:
      return 400;
    case core::ErrorKind::kNotFound:
      return 404;
    case core::ErrorKind::kConflict:
      return 409;
    case core::ErrorKind::kForbidden:
      return 403;
    case core::ErrorKind::kUnavailable:
      return 503;
    case core::ErrorKind::kCorruption:
    case core::ErrorKind::kInternal:
      break;
  }
  return 500;
}

namespace {

using core::OrderedJson;

void send_json(httplib::Response& res, int status, const OrderedJson& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, OrderedJson::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, std::string_view kind,
                const std::string& message) {
  send_json(res, status, {{"error", kind}, {"message", message}});
}

// The bearer token: an Authorization header, else the session cookie.
std::string credential_of(const httplib::Request& req, bool& from_cookie) {
  from_cookie = false;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  const std::string cookies = req.get_header_value("Cookie");
  size_t at = 0;
  while (at < cookies.size()) {
    size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    std::string_view part(cookies.data() + at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.rfind("athar_session=", 0) == 0) {
      from_cookie = true;
      return std::string(part.substr(14));
    }
    at = end + 1;
  }
  return {};
}

// The Content-Length the client declared (0 when none or unreadable).
uint64_t declared_length(const httplib::Request& req) {
  const std::string text = req.get_header_value("Content-Length");
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

bool same_secret(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The file in pieces of 64 KiB as the client reads them; a file that shrank or vanished since
// the handler checked it ends the response (the client sees a short body, not wrong bytes).
void stream_file(httplib::Response& res, const std::filesystem::path& path,
                 const std::string& content_type) {
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!*in || ec) throw core::NotFound("the file is no longer there");
  res.set_content_provider(static_cast<size_t>(size), content_type,
                           [in](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::vector<char> piece(std::min<size_t>(length, size_t{64} << 10));
                             in->clear();
                             in->seekg(static_cast<std::streamoff>(offset));
                             in->read(piece.data(), static_cast<std::streamsize>(piece.size()));
                             const auto got = static_cast<size_t>(in->gcount());
                             if (got == 0) return false;
                             return sink.write(piece.data(), got);
                           });
}

bool is_binary_upload(const Route& route) {
  return route.request_schema.is_object() && route.request_schema.value("format", "") == "binary";
}

// A file in DATA/uploads under a random name, removed when the request ends. Only a plain
// extension of the name the client gave survives (no folders, no traversal).
struct UploadFile {
  std::filesystem::path path;
  UploadFile(const std::filesystem::path& data_dir, const std::string& given_name) {
    std::string extension;
    const size_t dot = given_name.rfind('.');
    if (dot != std::string::npos && given_name.size() - dot <= 8) {
      extension = given_name.substr(dot);
      for (char c : extension.substr(1))
        if (!std::isalnum(static_cast<unsigned char>(c))) extension.clear();
    }
    std::array<uint8_t, 12> random{};
    randombytes_buf(random.data(), random.size());
    const std::filesystem::path folder = data_dir / "uploads";
    std::filesystem::create_directories(folder);
    path = folder / ("upload-" + core::hex_encode(random) + extension);
  }
  ~UploadFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

// A message about an uploaded file names it as the caller sent it, not by the server's copy:
// every string in the error (its message, record, and each listed problem's) is rewritten.
void name_upload_as_sent(core::OrderedJson& json, const std::string& kept,
                         const std::string& sent) {
  if (json.is_string()) {
    std::string text = json.get<std::string>();
    for (size_t at = text.find(kept); at != std::string::npos;
         at = text.find(kept, at + sent.size()))
      text.replace(at, kept.size(), sent);
    json = text;
  } else if (json.is_structured()) {
    for (auto& item : json) name_upload_as_sent(item, kept, sent);
  }
}

// Lets at most `limit` requests run their handlers at once, the rest wait their turn in order
// of arrival. One thread per connection means many more threads than cores under load; without
// the gate the scheduler shares the cores among all of them, and a request that arrived first
// may finish last (a long tail of latency).
class FairGate {
 public:
  explicit FairGate(size_t limit) : free_(limit) {}
  void enter() {
    std::unique_lock lock(mutex_);
    if (free_ > 0 && waiting_.empty()) {
      --free_;
      return;
    }
    Waiter me;
    waiting_.push_back(&me);
    me.turn.wait(lock, [&] { return me.granted; });
  }
  void leave() {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      ++free_;
      return;
    }
    Waiter* next = waiting_.front();
    waiting_.pop_front();
    next->granted = true;
    next->turn.notify_one();
  }

 private:
  struct Waiter {
    std::condition_variable turn;
    bool granted = false;
  };
  std::mutex mutex_;
  size_t free_;
  std::deque<Waiter*> waiting_;
};

struct GateTurn {
  explicit GateTurn(FairGate& gate) : gate_(gate) { gate_.enter(); }
  ~GateTurn() { gate_.leave(); }
  GateTurn(const GateTurn&) = delete;
  GateTurn& operator=(const GateTurn&) = delete;
  FairGate& gate_;
};

bool is_api_path(std::string_view path) { return path == "/api" || path.rfind("/api/", 0) == 0; }

std::string_view media_type_of(const std::filesystem::path& file) {
  static const std::map<std::string, std::string_view, std::less<>> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".geojson", "application/geo+json"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  const auto it = types.find(file.extension().string());
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

// The file under `root` that a page path names; empty when it names none. Only plain names
// (no "..", no hidden files), and nothing a link could lead outside the root.
std::filesystem::path web_file(const std::filesystem::path& root, std::string_view path) {
  std::string relative(path.substr(1));
  if (relative.empty()) relative = "index.html";
  for (const std::string& part : core::split(relative, '/')) {
    if (part.empty() || part.front() == '.' || part.find('\\') != std::string::npos ||
        part.find('\0') != std::string::npos)
      return {};
  }
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::weakly_canonical(root / relative, ec);
  if (ec || !std::filesystem::is_regular_file(file, ec)) return {};
  const std::string inside = file.string(), prefix = root.string() + "/";
  if (inside.rfind(prefix, 0) != 0) return {};
  return file;
}

// "https://tile.example.org" of "https://tile.example.org/{z}/{x}/{y}.png".
std::string origin_of(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  return url.substr(0, url.find('/', scheme + 3));
}

// A page of the web UI. Scripts, styles, fonts and data come only from this server (no CDN,
// nothing inline); built assets have hashed names and are kept by the browser for a year. Map
// tiles come from the configured tile server too, when there is one.
void serve_web_ui(const ServerOptions& options, std::string_view method,
                  const httplib::Request& req, httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  const std::string tiles = options.tiles_url.empty() ? "" : " " + origin_of(options.tiles_url);
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data: blob:" + tiles +
                     "; style-src 'self'; font-src 'self'; connect-src 'self'; script-src 'self'; "
                     "object-src 'none'; base-uri 'none'; form-action 'self'; "
                     "frame-ancestors 'none'");
  // The UI's settings from the server's options (an online tile layer, if any).
  if (method == "GET" && req.path == "/config.json") {
    res.set_header("Cache-Control", "no-cache");
    return send_json(
        res, 200, {{"tiles", options.tiles_url}, {"tiles_attribution", options.tiles_attribution}});
  }
  if (method != "GET") {
    return send_error(res, 405, "input", std::string(method) + " is not allowed on " + req.path);
  }
  if (options.web_root.empty()) {
    return send_error(res, 404, "not_found",
                      "the web UI is not built here: " + options.web_ui_missing +
                          " (the API is at /api/openapi.json)");
  }
  const std::filesystem::path file = web_file(options.web_root, req.path);
  if (file.empty()) return send_error(res, 404, "not_found", "no such page: " + req.path);
  const bool hashed = req.path.rfind("/assets/", 0) == 0;
  res.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  // cpp-httplib compresses text on its way out, with brotli when the browser takes it; Debian's
  // build runs brotli at its slowest setting (a third of a second for the script bundle), so
  // browsers are given gzip (a hundredth). The request object is the library's own, not const.
  auto& headers = const_cast<httplib::Headers&>(req.headers);
  if (const auto accepted = headers.find("Accept-Encoding"); accepted != headers.end()) {
    std::string kept;
    for (std::string part : core::split(accepted->second, ',')) {
      part = std::string(core::trim(part));
      if (part.rfind("br", 0) == 0) continue;
      kept += (kept.empty() ? "" : ", ") + part;
    }
    accepted->second = kept;
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    return send_error(res, 500, "internal", "could not read " + req.path);
  res.status = 200;
  res.set_content(std::move(bytes), std::string(media_type_of(file)));
}

}  // namespace

struct HttpServer::Impl {
  Impl(app::Instance& inst, ServerOptions opts)
      : instance(inst), options(std::move(opts)), gate(options.running) {
    if (!options.tiles_url.empty()) {
      const std::string& url = options.tiles_url;
      const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
      if (!web || url.find("{z}") == std::string::npos || url.find("{x}") == std::string::npos ||
          url.find("{y}") == std::string::npos || origin_of(url).size() <= 8 ||
          url.find_first_of(" ;'\"") != std::string::npos) {
        throw core::InputError("serve", "--tiles", url,
                               "a tile URL template: https://HOST/.../{z}/{x}/{y}.png");
      }
    }
    if (!options.web_root.empty()) {
      std::error_code ec;
      options.web_root = std::filesystem::weakly_canonical(options.web_root, ec);
      if (ec || !std::filesystem::is_regular_file(options.web_root / "index.html", ec)) {
        throw core::InputError("serve", "--web", options.web_root.string(),
                               "is not a built web UI (no index.html)");
      }
    }
    if (!options.certificate.empty() || !options.private_key.empty()) {
      if (options.certificate.empty() || options.private_key.empty()) {
        throw core::InputError("serve", "--tls-cert/--tls-key", "",
                               "TLS needs both a certificate and its private key");
      }
      server = std::make_unique<httplib::SSLServer>(options.certificate.c_str(),
                                                    options.private_key.c_str());
      secure = true;
    } else {
      server = std::make_unique<httplib::Server>();
    }
    if (!server->is_valid()) {
      throw core::Unavailable("the server cannot start: check the TLS certificate and key (" +
                              options.certificate + ", " + options.private_key + ")");
    }
    const size_t threads = options.threads;
    server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server->set_keep_alive_max_count(10000);
    // Replies are written in one go; without this, small replies wait on delayed ACKs (40 ms).
    server->set_tcp_nodelay(true);
    server->set_payload_max_length(options.max_upload_bytes);
    server->set_read_timeout(30, 0);
    const auto plain = [this](const char* method) {
      return [this, method](const httplib::Request& req, httplib::Response& res) {
        dispatch(method, req, res, nullptr);
      };
    };
    const auto reading = [this](const char* method) {
      return [this, method](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
        dispatch(method, req, res, &reader);
      };
    };
    server->Get(".*", plain("GET"));
    server->Delete(".*", plain("DELETE"));
    server->Post(".*", httplib::Server::HandlerWithContentReader(reading("POST")));
    server->Put(".*", httplib::Server::HandlerWithContentReader(reading("PUT")));
    server->Patch(".*", httplib::Server::HandlerWithContentReader(reading("PATCH")));
    server->set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          send_error(res, 500, "internal", "internal error");
        });
  }

  void dispatch(const char* method, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* reader) {
    const GateTurn turn(gate);
    if (!is_api_path(req.path)) return serve_web_ui(options, method, req, res);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    std::map<std::string, std::string> params;
    const Route* route = nullptr;
    bool path_known = false;
    for (const Route& r : routes()) {
      if (!match_path(r.path, req.path, params)) continue;
      path_known = true;
      if (r.method == method) {
        route = &r;
        break;
      }
    }
    if (!route) {
      if (path_known)
        return send_error(res, 405, "input",
                          std::string(method) + " is not allowed on " + req.path);
      return send_error(res, 404, "not_found", "no such route: " + req.path);
    }

    bool from_cookie = false;
    const std::string token = credential_of(req, from_cookie);
    std::optional<app::Authenticated> auth;
    if (!token.empty()) {
      try {
        auth = app::authenticate(instance, token);
      } catch (const core::NotFound&) {
        if (route->permission != app::Permission::kPublic) {
          return send_error(res, 401, "unauthenticated", "unknown or expired credential: sign in");
        }
      } catch (const core::Error& e) {
        return send_json(res,
                         e.kind() == core::ErrorKind::kCorruption ? 403 : http_status_of(e.kind()),
                         e.to_json());
      }
    }
    if (route->permission != app::Permission::kPublic) {
      if (!auth)
        return send_error(res, 401, "unauthenticated",
                          "sign in (POST /api/session) or send an API token");
      if (!app::allows(auth->actor.role, route->permission)) {
        return send_error(res, 403, "forbidden",
                          auth->actor.name + " (" + std::string(app::role_name(auth->actor.role)) +
                              ") may not do this: it needs " +
                              std::string(app::permission_name(route->permission)));
      }
      // A browser sends the cookie with any request, forged ones too; only this page's
      // scripts know the CSRF token.
      if (from_cookie && std::string_view(method) != "GET" &&
          !same_secret(req.get_header_value("X-CSRF-Token"), auth->csrf)) {
        return send_error(res, 403, "forbidden", "a write needs the X-CSRF-Token given at sign-in");
      }
    }

    app::Session session(instance,
                         auth ? auth->actor : app::Actor{"anonymous", app::Role::kViewer});
    Call call{instance, session, auth.has_value(), token, req.remote_addr, std::move(params), {},
              {},       {}};
    for (const auto& [k, v] : req.params) call.query.emplace(k, v);
    std::optional<UploadFile> upload;
    try {
      if (reader) {
        if (is_binary_upload(*route)) {
          upload.emplace(instance.data_dir(), call.query_param("filename").value_or(""));
          std::ofstream out(upload->path, std::ios::binary);
          size_t received = 0;
          bool too_big = false;
          const bool read = (*reader)([&](const char* data, size_t size) {
            received += size;
            if (received > options.max_upload_bytes) {
              too_big = true;
              return false;
            }
            out.write(data, static_cast<std::streamsize>(size));
            return static_cast<bool>(out);
          });
          out.close();
          // The library refuses a body whose declared length is over its limit unread.
          too_big |= declared_length(req) > options.max_upload_bytes;
          if (too_big) {
            return send_error(res, 413, "input",
                              "the file is over the upload limit of " +
                                  std::to_string(options.max_upload_bytes) + " bytes");
          }
          if (!read) throw core::InputError("upload", "body", "", "could not be read whole");
          if (!out) throw core::Unavailable("the upload could not be kept");
          if (received == 0)
            throw core::InputError("upload", "body", "", "is empty: no file was sent");
          call.upload = upload->path;
        } else {
          bool too_big = declared_length(req) > options.max_json_bytes;
          const bool read = too_big || (*reader)([&](const char* data, size_t size) {
                              if (call.body.size() + size > options.max_json_bytes) {
                                too_big = true;
                                return false;
                              }
                              call.body.append(data, size);
                              return true;
                            });
          if (too_big) {
            return send_error(
                res, 413, "input",
                "the request body is over " + std::to_string(options.max_json_bytes) + " bytes");
          }
          // A request with no body at all (curl -X POST) has nothing to read.
          const bool no_body =
              !req.has_header("Content-Length") || (declared_length(req) == 0 && call.body.empty());
          if (!read && !(no_body && !req.has_header("Transfer-Encoding")))
            throw core::InputError("request", "body", "", "could not be read whole");
        }
      }
      Reply reply = route->handler(call);
      for (auto& [name, value] : reply.headers) {
        if (name == "Set-Cookie" && secure) value += "; Secure";
        res.set_header(name, value);
      }
      if (!reply.file.empty()) {
        // Part of the file when the client asked for a range (a download resumed).
        res.status = req.ranges.empty() ? reply.status : 206;
        stream_file(res, reply.file, reply.content_type);
      } else if (reply.bytes) {
        res.status = reply.status;
        res.set_content(std::move(*reply.bytes), reply.content_type);
      } else {
        send_json(res, reply.status, reply.json);
      }
    } catch (const app::Throttled& e) {
      res.set_header("Retry-After", std::to_string(e.retry_after_seconds));
      send_json(res, 429, e.to_json());
    } catch (const core::Error& e) {
      core::OrderedJson error = e.to_json();
      if (upload) {
        const std::string sent = call.sent_file_name();
        name_upload_as_sent(error, upload->path.string(),
                            sent.empty() ? "the uploaded file" : sent);
      }
      send_json(res, http_status_of(e.kind()), error);
    } catch (const std::exception& e) {
      send_error(res, 500, "internal", e.what());
    }
  }

  app::Instance& instance;
  ServerOptions options;
  std::unique_ptr<httplib::Server> server;
  bool secure = false;
  FairGate gate;
};

HttpServer::HttpServer(app::Instance& instance, ServerOptions options)
    : impl_(std::make_unique<Impl>(instance, std::move(options))) {}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  const auto& o = impl_->options;
  if (o.port == 0) {
    const int port = impl_->server->bind_to_any_port(o.host);
    if (port <= 0) throw core::Unavailable("cannot listen on " + o.host);
    return port;
  }
  if (!impl_->server->bind_to_port(o.host, o.port)) {
    throw core::Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                            " (in use, or not this machine's address)");
  }
  return o.port;
}

void HttpServer::run() { impl_->server->listen_after_bind(); }
void HttpServer::stop() { impl_->server->stop(); }
bool HttpServer::tls() const { return impl_->secure; }

}  // namespace athar::server
