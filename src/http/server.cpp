#include "http/server.hpp"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

#include "config/listen_address.hpp"
#include "http/session.hpp"
#include "web/tls_context.hpp"

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
  asio::steady_timer watch_timer{io};
  // After io: destroyed (joined) first, so no bcrypt job outlives the
  // io_context it posts its answer to.
  asio::thread_pool auth_pool{1};
  std::thread thread;
  std::uint16_t port = 0;
  // Set on the io thread by stop(). Cancelling a timer that has already
  // expired does not abort its queued handler, so the handlers that re-arm
  // check this rather than trust the cancel: one re-armed watch would keep
  // io.run(), and so stop(), from ever returning.
  bool stopping = false;
  // Set while connections are being refused at max_connections, so only
  // the first refusal of a burst is logged.
  std::uint64_t rejected_in_burst = 0;

  // Guards the web config's path, stamp and status (read by any thread).
  mutable std::mutex web_mutex;
  std::string web_config_file;
  FileStamp web_config_stamp;
  WebConfigStatus web_status;
  bool applied_once = false;

  void accept();
  void watch();
  std::optional<std::string> load_web_config_file(const std::string& path);
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
        if (!wait_error && !stopping) accept();
      });
      return;
    }
    if (state.connections_open.load() >= static_cast<std::uint64_t>(state.options.max_connections)) {
      // Closed without a word: answering would cost the write buffer and
      // timer that the cap exists to bound.
      ++state.connections_rejected;
      if (rejected_in_burst++ == 0) {
        spdlog::warn("refusing new connections: {} open, the limit web.max_connections; refusals are counted in "
                     "ainode_http_connections_rejected_total",
                     state.options.max_connections);
      }
      error_code ignored;
      socket.close(ignored);
    } else {
      if (rejected_in_burst > 0) {
        spdlog::info("accepting connections again after refusing {} at web.max_connections", rejected_in_burst);
        rejected_in_burst = 0;
      }
      start_http_session(std::move(socket), state);
    }
    accept();
  });
}

// Runs on the io thread once a second: a changed web config file is
// reloaded whole; otherwise changed certificates are reloaded in place.
void HttpServer::Impl::watch() {
  watch_timer.expires_after(state.options.web_config_watch_interval);
  watch_timer.async_wait([this](error_code error) {
    if (error || stopping) return;
    std::string path;
    bool file_changed = false;
    {
      std::lock_guard lock(web_mutex);
      path = web_config_file;
      file_changed = !path.empty() && !(stamp_file(path) == web_config_stamp);
    }
    if (file_changed) {
      spdlog::info("web config {} changed on disk, reloading", path);
      load_web_config_file(path);
    } else if (auto security = state.current_security()) {
      auto before = security->certificate_reloads();
      auto refused = security->refresh_certificates();
      std::lock_guard lock(web_mutex);
      if (refused) {
        spdlog::warn("new TLS certificate refused, still serving the previous one: {}", *refused);
        web_status.certificate_error = *refused;
      } else if (security->certificate_reloads() != before) {
        spdlog::info("TLS certificate reloaded from {}", security->config().tls.cert_file);
        web_status.certificate_reloads = security->certificate_reloads();
        web_status.certificate_error.clear();
      }
    }
    watch();
  });
}

std::optional<std::string> HttpServer::Impl::load_web_config_file(const std::string& path) {
  // Stamped before reading: a change made while reading is seen next time.
  FileStamp stamp = path.empty() ? FileStamp{} : stamp_file(path);
  std::shared_ptr<WebSecurity> loaded;
  std::optional<std::string> error;
  try {
    if (!path.empty()) loaded = std::make_shared<WebSecurity>(load_web_config(path));
  } catch (const WebConfigError& failure) {
    error = failure.what();
  }
  std::lock_guard lock(web_mutex);
  web_config_file = path;
  web_config_stamp = stamp;
  web_status.file = path;
  if (error) {
    // At start-up there is no previous config; the caller reports it.
    if (applied_once) spdlog::warn("web config not applied, keeping the previous one: {}", *error);
    web_status.reload_success = false;
    web_status.last_error = *error;
    return error;
  }
  {
    std::lock_guard security_lock(state.security_mutex);
    state.security = loaded;
  }
  applied_once = true;
  web_status.reload_success = true;
  web_status.last_error.clear();
  web_status.tls = loaded && loaded->tls_enabled();
  web_status.client_auth_type = web_status.tls ? std::string(to_string(loaded->config().tls.client_auth_type)) : "";
  web_status.basic_auth = loaded && loaded->authenticator().enabled();
  web_status.certificate_reloads = 0;
  web_status.certificate_error.clear();
  return std::nullopt;
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->state.options = std::move(options);
  impl_->state.handler = std::move(handler);
  impl_->state.auth_pool = &impl_->auth_pool;
}

std::optional<std::string> HttpServer::set_web_config(const std::string& path) {
  return impl_->load_web_config_file(path);
}

std::optional<std::string> HttpServer::reload_web_config() {
  std::string path;
  {
    std::lock_guard lock(impl_->web_mutex);
    path = impl_->web_config_file;
  }
  return impl_->load_web_config_file(path);
}

WebConfigStatus HttpServer::web_config_status() const {
  std::lock_guard lock(impl_->web_mutex);
  return impl_->web_status;
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
  impl_->watch();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

void HttpServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  // Closing the listener, the retry timer and every client socket ends every
  // pending operation, so run() returns once the sessions have unwound.
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->stopping = true;
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
    impl->watch_timer.cancel();
    close_all_sessions(impl->state);
  });
  impl_->thread.join();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

HttpServer::Stats HttpServer::stats() const {
  const auto& state = impl_->state;
  return Stats{state.connections_open.load(), state.connections_rejected.load(), state.requests.load(),
               state.accept_errors.load(), state.tls_handshake_errors.load()};
}

}  // namespace ainode
