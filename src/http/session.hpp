#pragma once
// One client connection of HttpServer; internal to src/http.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "http/server.hpp"
#include "web/web_security.hpp"

namespace ainode {

// What stop() needs of a session, whichever stream (plain or TLS) it runs on.
class HttpConnection {
 public:
  virtual ~HttpConnection() = default;
  virtual void close() = 0;
};

// What the accept loop and the sessions share. The counters are read from
// any thread by stats(); `security` under its mutex from any thread;
// everything else is touched on the io thread only.
struct HttpServerState {
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_rejected{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> accept_errors{0};
  std::atomic<std::uint64_t> tls_handshake_errors{0};
  // Every live session, so stop() can close them all; each session removes
  // itself when its last operation ends.
  std::unordered_set<HttpConnection*> sessions;

  // The web config in force; null = plain HTTP without auth.
  mutable std::mutex security_mutex;
  std::shared_ptr<WebSecurity> security;
  std::shared_ptr<WebSecurity> current_security() const {
    std::lock_guard lock(security_mutex);
    return security;
  }
  // bcrypt runs here, never on the io thread: one check costs tens of
  // milliseconds, which would stall every other client.
  boost::asio::thread_pool* auth_pool = nullptr;
};

// Serves one accepted connection until the client leaves, breaks a limit,
// times out, or close_all_sessions() runs. With TLS in the current web
// config the connection starts with a handshake (under the read timeout).
void start_http_session(boost::asio::ip::tcp::socket socket, HttpServerState& state);

// Closes every client socket. Each session's pending operation then ends
// aborted and the session is freed, so the io loop runs out of work.
void close_all_sessions(HttpServerState& state);

}  // namespace ainode
