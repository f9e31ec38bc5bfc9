#pragma once
// Event-driven HTTP/1.1 server (Boost.Beast on one io_context): thousands of
// idle or slow clients cost a socket and a small buffer each, never a thread,
// so a fresh scrape is answered while they dawdle. Routing lives in the app;
// this layer only speaks HTTP and enforces the limits.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/response_stream.hpp"

namespace ainode {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", ...
  std::string target;  // path plus query, as sent
  std::string accept;
  std::string accept_encoding;
  std::string last_event_id;  // the Last-Event-ID header (Server-Sent Events resume), "" when absent
  std::string authorization;  // the Authorization header, "" when absent
  std::string peer_address;   // the client's IP address as text ("127.0.0.1", "::1")
  std::string client_cert_subject;  // a verified TLS client certificate's subject, "" when none
  std::string body;                 // a request body within the server's limit (POST)
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
  std::int64_t max_request_bytes = 8192;  // request line + headers, across reads; more gets 431
  std::int64_t max_header_count = 64;     // more gets 431; any request body gets 413
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
