#include "http/server.hpp"

#include <sys/resource.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "config/listen_address.hpp"
#include "http/shared_body.hpp"

namespace ainode {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_rejected{0};
  std::atomic<std::uint64_t> requests{0};

  void accept();
};

namespace {

using Response = http::response<SharedStringBody>;

// One client connection. It owns a bounded read buffer and at most one
// response in flight; everything is driven by completion handlers on the
// server's single io thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)),
        server_(server),
        buffer_(static_cast<std::size_t>(server.options.max_request_bytes)) {
    ++server_.connections_open;
  }
  ~Session() { --server_.connections_open; }

  void start() { read_request(); }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_request_bytes));
    parser_->body_limit(0);  // the API takes no request bodies
    // The whole request must arrive within read_timeout: a client that
    // trickles bytes (slowloris) is cut off like one that sends nothing.
    stream_.expires_after(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout || error == asio::error::eof ||
        error == asio::error::connection_reset || error == asio::error::operation_aborted) {
      return close();
    }
    if (error == http::error::header_limit) return reply_error(http::status::request_header_fields_too_large);
    if (error == http::error::body_limit) return reply_error(http::status::payload_too_large);
    if (error) return reply_error(http::status::bad_request);

    const auto& request = parser_->get();
    if (std::distance(request.begin(), request.end()) > server_.options.max_header_count) {
      return reply_error(http::status::request_header_fields_too_large);
    }
    ++server_.requests;
    HttpRequest incoming{std::string(request.method_string()), std::string(request.target()),
                         std::string(request[http::field::accept]),
                         std::string(request[http::field::accept_encoding])};
    HttpResponse outgoing;
    try {
      outgoing = server_.handler(incoming);
    } catch (const std::exception&) {
      outgoing = HttpResponse{500, "text/plain; charset=utf-8", "",
                              std::make_shared<const std::string>("internal error\n"), {}};
    }
    send(std::move(outgoing), request.method() == http::verb::head, request.version(), request.keep_alive());
  }

  void send(HttpResponse outgoing, bool head, unsigned version, bool keep_alive) {
    auto response = std::make_shared<Response>(static_cast<http::status>(outgoing.status), version);
    response->set(http::field::content_type, outgoing.content_type);
    if (!outgoing.content_encoding.empty()) response->set(http::field::content_encoding, outgoing.content_encoding);
    for (const auto& [name, value] : outgoing.headers) response->set(name, value);
    response->content_length(SharedStringBody::size(outgoing.body));
    // HEAD: the GET headers, Content-Length included, and no body.
    if (!head) response->body() = std::move(outgoing.body);
    response->keep_alive(keep_alive);
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code error, std::size_t) {
                        if (error || !response->keep_alive()) return self->close();
                        self->read_request();
                      });
  }

  void reply_error(http::status status) {
    HttpResponse outgoing;
    outgoing.status = static_cast<unsigned>(status);
    outgoing.body = std::make_shared<const std::string>(std::string(http::obsolete_reason(status)) + "\n");
    send(std::move(outgoing), false, 11, false);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
};

tcp::endpoint resolve_endpoint(const std::string& text) {
  auto address = parse_listen_address(text);
  if (!address) throw std::runtime_error("invalid listen address '" + text + "'");
  if (address->host.empty()) return tcp::endpoint(tcp::v6(), address->port);
  boost::system::error_code error;
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

// Each client holds a descriptor; the default soft limit (often 1024) would
// cap the agent far below what the event loop can serve.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      if (connections_open.load() >= static_cast<std::uint64_t>(options.max_connections)) {
        ++connections_rejected;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), *this)->start();
      }
    }
    accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  raise_open_file_limit();
  tcp::endpoint endpoint = resolve_endpoint(impl_->options.listen_address);
  auto fail = [&](const std::string& what, const beast::error_code& error) {
    throw std::runtime_error("cannot listen on " + impl_->options.listen_address + ": " + what + ": " +
                             error.message());
  };
  beast::error_code error;
  impl_->acceptor.open(endpoint.protocol(), error);
  if (error && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    // No IPv6 on this host: "all interfaces" means all IPv4 ones.
    endpoint = tcp::endpoint(tcp::v4(), endpoint.port());
    impl_->acceptor.open(endpoint.protocol(), error);
  }
  if (error) fail("open", error);
  if (endpoint.address().is_v6()) impl_->acceptor.set_option(asio::ip::v6_only(false), error);
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true), error);
  impl_->acceptor.bind(endpoint, error);
  if (error) fail("bind", error);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) fail("listen", error);
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

void HttpServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::uint16_t HttpServer::port() const {
  beast::error_code error;
  auto endpoint = impl_->acceptor.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

HttpServer::Stats HttpServer::stats() const {
  return Stats{impl_->connections_open.load(), impl_->connections_rejected.load(), impl_->requests.load()};
}

}  // namespace ainode
