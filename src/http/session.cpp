#include "http/session.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "http/request_head_parser.hpp"
#include "http/shared_body.hpp"

namespace ainode {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using Response = http::response<SharedStringBody>;

HttpResponse plain_text(http::status status, std::string text) {
  HttpResponse response;
  response.status = static_cast<unsigned>(status);
  response.body = std::make_shared<const std::string>(std::move(text));
  return response;
}

}  // namespace

// Everything a connection holds: the socket, a read buffer capped at
// max_request_bytes, the parser's few bounded strings, and at most one
// response in flight (whose body is shared, not copied). Driven by
// completion handlers on the server's single io thread.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, HttpServerState& state)
      : stream_(std::move(socket)), state_(state), buffer_(static_cast<std::size_t>(state.options.max_request_bytes)) {
    state_.sessions.insert(this);
    ++state_.connections_open;
  }
  ~HttpSession() {
    state_.sessions.erase(this);
    --state_.connections_open;
  }
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start() { read_request(); }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void read_request() {
    parser_.emplace(static_cast<std::size_t>(state_.options.max_request_bytes),
                    static_cast<std::size_t>(state_.options.max_header_count));
    // One deadline for the whole request, not per read: a client that
    // trickles a byte at a time (slowloris) is cut off like a silent one.
    stream_.expires_after(state_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    // Gone, silent past the deadline, or closed by stop(): nobody to answer.
    if (error == http::error::end_of_stream || error == beast::error::timeout || error == asio::error::eof ||
        error == asio::error::connection_reset || error == asio::error::operation_aborted ||
        error == asio::error::bad_descriptor) {
      return close();
    }
    // buffer_overflow: the capped buffer filled before the head ended.
    if (error == http::error::header_limit || error == http::error::buffer_overflow) {
      return reply_error(http::status::request_header_fields_too_large);
    }
    if (error == http::error::body_limit) return reply_error(http::status::payload_too_large);
    if (error) return reply_error(http::status::bad_request);

    ++state_.requests;
    const bool head = parser_->method() == http::verb::head;
    HttpRequest request{std::move(parser_->method_string()), std::move(parser_->target()), std::move(parser_->accept()),
                        std::move(parser_->accept_encoding())};
    HttpResponse response;
    try {
      response = state_.handler(request);
    } catch (...) {
      // Whatever the handler threw, this client gets an answer and the
      // server keeps serving the others.
      response = plain_text(http::status::internal_server_error, "internal error\n");
    }
    send(std::move(response), head, parser_->version(), parser_->keep_alive());
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
    // A client that stops reading a large body is dropped after the same
    // timeout as one that stops sending.
    stream_.expires_after(state_.options.read_timeout);
    // The response (and with it the shared body) lives in the handler
    // until the last byte is written.
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code error, std::size_t) {
      if (error || !response->keep_alive()) return self->close();
      self->read_request();
    });
  }

  void reply_error(http::status status) {
    send(plain_text(status, std::string(http::obsolete_reason(status)) + "\n"), false, 11, false);
  }

  beast::tcp_stream stream_;
  HttpServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<RequestHeadParser> parser_;
};

void start_http_session(tcp::socket socket, HttpServerState& state) {
  std::make_shared<HttpSession>(std::move(socket), state)->start();
}

void close_all_sessions(HttpServerState& state) {
  // Closing only cancels; the sessions leave the set later, from their
  // aborted handlers, so iterate over a copy anyway.
  std::vector<HttpSession*> open(state.sessions.begin(), state.sessions.end());
  for (auto* session : open) session->close();
}

}  // namespace ainode
