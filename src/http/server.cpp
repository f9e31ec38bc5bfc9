#include "http/server.hpp"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>
#include <thread>

#include "config/listen_address.hpp"
#include "http/session.hpp"

namespace ainode {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Declaration order is destruction order in reverse: the shared state
// outlives the io_context that may still own sessions pointing at it.
struct HttpServer::Impl {
  HttpServerState state;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::thread thread;
  std::uint16_t port = 0;

  void accept();
};

namespace {

// Out of descriptors or memory, the pending connection stays queued and
// accept fails again at once: pausing keeps the io thread from spinning
// until timed-out clients give descriptors back.
constexpr std::chrono::milliseconds accept_retry_delay{100};

tcp::endpoint resolve_endpoint(const std::string& text) {
  auto address = parse_listen_address(text);
  if (!address) throw std::runtime_error("invalid listen address '" + text + "'");
  if (address->host.empty()) return tcp::endpoint(tcp::v6(), address->port);
  error_code error;
  auto ip = asio::ip::make_address(address->host, error);
  if (!error) return tcp::endpoint(ip, address->port);
  asio::io_context io;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(address->host, std::to_string(address->port), error);
  if (error || results.empty()) {
    throw std::runtime_error("cannot resolve listen address '" + text + "': " + error.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (error) {
      ++state.accept_errors;
      // A client that gave up while queued costs nothing to skip.
      if (error == asio::error::connection_aborted) return accept();
      accept_retry.expires_after(accept_retry_delay);
      accept_retry.async_wait([this](error_code wait_error) {
        if (!wait_error) accept();
      });
      return;
    }
    if (state.connections_open.load() >= static_cast<std::uint64_t>(state.options.max_connections)) {
      // Closed without a word: answering would cost the write buffer and
      // timer that the cap exists to bound.
      ++state.connections_rejected;
      error_code ignored;
      socket.close(ignored);
    } else {
      start_http_session(std::move(socket), state);
    }
    accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->state.options = std::move(options);
  impl_->state.handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  raise_open_file_limit();
  const std::string& text = impl_->state.options.listen_address;
  tcp::endpoint endpoint = resolve_endpoint(text);
  auto fail = [&](const std::string& what, const error_code& error) {
    throw std::runtime_error("cannot listen on " + text + ": " + what + ": " + error.message());
  };
  auto& acceptor = impl_->acceptor;
  error_code error;
  acceptor.open(endpoint.protocol(), error);
  if (error && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    // No IPv6 on this host: "all interfaces" means all IPv4 ones.
    endpoint = tcp::endpoint(tcp::v4(), endpoint.port());
    acceptor.open(endpoint.protocol(), error);
  }
  if (error) fail("open", error);
  // ":9100" listens on both families; failing to clear v6_only only loses IPv4.
  if (endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(false), error);
  acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (error) fail("SO_REUSEADDR", error);
  acceptor.bind(endpoint, error);
  if (error) fail("bind", error);
  acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) fail("listen", error);
  impl_->port = acceptor.local_endpoint(error).port();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

void HttpServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  // Closing the listener, the retry timer and every client socket ends every
  // pending operation, so run() returns once the sessions have unwound.
  asio::post(impl_->io, [impl = impl_.get()] {
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
    close_all_sessions(impl->state);
  });
  impl_->thread.join();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

HttpServer::Stats HttpServer::stats() const {
  const auto& state = impl_->state;
  return Stats{state.connections_open.load(), state.connections_rejected.load(), state.requests.load(),
               state.accept_errors.load()};
}

}  // namespace ainode
