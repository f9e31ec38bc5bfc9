#pragma once
// Event-driven HTTP/1.1 server (Boost.Beast on one io_context): thousands of
// idle or slow clients cost a socket and a small buffer each, never a thread,
// so a fresh scrape is answered while they dawdle. Routing lives in the app;
// this layer speaks HTTP (plain or TLS), enforces the limits, and applies the
// web config (web-config.yml: TLS, client certificates, basic auth, extra
// response headers) to every connection and request.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/response_stream.hpp"

namespace ainode {

// One request as the handler sees it: plain values, nothing of Beast.
struct HttpRequest {
  std::string method;  // "GET", "HEAD", ...
  std::string target;  // path plus query, as sent
  std::string accept;
  std::string accept_encoding;
  // The client's IP address without the port ("127.0.0.1", "::1"; an IPv4
  // client of a dual-stack listener is shown as IPv4, not ::ffff:a.b.c.d).
  std::string peer_address;
  // Subject (RFC 2253) of the client certificate the TLS handshake verified
  // against client_ca_file; "" without TLS, without a certificate, or with
  // a client_auth_type that does not verify (RequestClientCert,
  // RequireAnyClientCert).
  std::string client_cert_subject;
  // The Authorization header as sent ("" if absent). When basic_auth_users
  // is configured the server has already checked it before the handler runs.
  std::string authorization;
  // The user whose basic-auth password the server verified (basic_auth_users
  // in the web config), "" when basic auth is not configured.
  std::string basic_auth_user;
  // The request body (Content-Length or chunked), at most
  // HttpServerOptions::max_body_bytes; "" when there was none.
  std::string body;
  // The Last-Event-ID header (Server-Sent Events resume), "" when absent.
  std::string last_event_id;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string content_encoding;  // "gzip" when body is already compressed
  // Shared so that a body rendered once per snapshot is sent to every client
  // without a copy.
  std::shared_ptr<const std::string> body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Cache-Control, ...)
  // Set for a streamed answer (text/event-stream): body is ignored and the
  // connection serves the stream until it ends.
  std::shared_ptr<ResponseStream> stream;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string listen_address = "0.0.0.0:9100";  // host:port, [v6]:port, or :port
  std::int64_t max_connections = 4096;          // beyond this, new connections are closed at once
  // A request must arrive whole within this (then the connection is closed
  // without an answer), and a response must be taken within it.
  std::chrono::milliseconds read_timeout{10000};
  std::int64_t max_request_bytes = 8192;  // request line + headers, across reads; more gets 431 (414 in the request line)
  std::int64_t max_header_count = 64;     // more gets 431
  std::int64_t max_body_bytes = 64 * 1024;  // a longer request body gets 413; shorter ones reach the handler
  // How often the web config file and its certificates are checked for
  // changes (cert-manager rotates by renaming a new file into place).
  std::chrono::milliseconds web_config_watch_interval{1000};
};

// Where the web config stands, for /v1/status and ainode_web_config_reload_success.
struct WebConfigStatus {
  std::string file;              // "" when none is configured (plain HTTP, no auth)
  bool reload_success = true;    // the last load or reload of `file` succeeded
  std::string last_error;        // why it failed; "" after a success
  bool tls = false;              // serving HTTPS
  std::string client_auth_type;  // exporter-toolkit's name, "" without TLS
  bool basic_auth = false;
  std::uint64_t certificate_reloads = 0;  // certificate rotations picked up since the config was loaded
  std::string certificate_error;          // why the last rotation was refused; "" if none
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Raises the open-file soft limit to the hard limit, binds (SO_REUSEADDR)
  // and starts serving on one background thread. Throws std::runtime_error
  // naming the address and the reason when it cannot listen.
  void start();
  // Loads web-config.yml from `path` ("" = none: plain HTTP, no auth) and
  // applies it to new connections and requests; connections already open
  // keep their TLS session. On error returns the reason (file, line, key)
  // and keeps the config in force. The file is then watched: when it or
  // the certificates it names change, they are re-read (at most once a
  // second; a bad change is refused the same way). Thread-safe; call
  // before start() to refuse a bad file at start-up.
  std::optional<std::string> set_web_config(const std::string& path);
  // set_web_config() with the current path: what SIGHUP and
  // POST /v1/control/reload call.
  std::optional<std::string> reload_web_config();
  WebConfigStatus web_config_status() const;

  // Closes the listener and every client connection, then joins the thread.
  // Idempotent; the destructor calls it. Not from inside the handler.
  void stop();
  // The bound port (useful with port 0 in tests).
  std::uint16_t port() const;

  struct Stats {
    std::uint64_t connections_open;
    std::uint64_t connections_rejected;
    std::uint64_t requests;
    std::uint64_t accept_errors;  // failed accepts, e.g. out of descriptors
    std::uint64_t tls_handshake_errors;
  };
  Stats stats() const;

  struct Impl;  // opaque: keeps Beast out of every includer's compile

 private:
  std::unique_ptr<Impl> impl_;
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit: each client holds a
// descriptor, and the usual soft limit of 1024 would cap the server far
// below what one event loop serves. start() calls it; exposed for tests and
// for callers that open many descriptors before starting the server.
void raise_open_file_limit();

}  // namespace ainode
