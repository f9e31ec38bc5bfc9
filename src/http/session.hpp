#pragma once
// One client connection of HttpServer; internal to src/http.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <unordered_set>

#include "http/server.hpp"

namespace ainode {

class HttpSession;

// What the accept loop and the sessions share. The counters are read from
// any thread by stats(); everything else is touched on the io thread only.
struct HttpServerState {
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_rejected{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> accept_errors{0};
  // Every live session, so stop() can close them all; each session removes
  // itself when its last operation ends.
  std::unordered_set<HttpSession*> sessions;
};

// Serves one accepted connection until the client leaves, breaks a limit,
// times out, or close_all_sessions() runs.
void start_http_session(boost::asio::ip::tcp::socket socket, HttpServerState& state);

// Closes every client socket. Each session's pending operation then ends
// aborted and the session is freed, so the io loop runs out of work.
void close_all_sessions(HttpServerState& state);

}  // namespace ainode
