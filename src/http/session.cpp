#include "http/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
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
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

HttpResponse plain_text(http::status status, std::string text) {
  HttpResponse response;
  response.status = static_cast<unsigned>(status);
  response.body = std::make_shared<const std::string>(std::move(text));
  return response;
}

HttpResponse unauthorized() {
  auto response = plain_text(http::status::unauthorized, "Unauthorized\n");
  response.headers.emplace_back("WWW-Authenticate", "Basic");
  return response;
}

// The address without the port; an IPv4 client of a dual-stack listener
// arrives as ::ffff:a.b.c.d and is shown as a.b.c.d, so a loopback check
// in the handler sees 127.0.0.1 whichever way the server listens.
std::string peer_address_of(const tcp::socket& socket) {
  beast::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  if (error) return {};
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

// Everything a connection holds: the stream (plain, or TLS with its
// context), a read buffer capped at max_request_bytes, the parser's few
// bounded strings and bounded body, and at most one response in flight
// (whose body is shared, not copied). Driven by completion handlers on the
// server's single io thread.
template <class Stream>
class HttpSession : public HttpConnection, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // Plain connection.
  HttpSession(tcp::socket socket, HttpServerState& state)
    requires std::is_same_v<Stream, PlainStream>
      : peer_address_(peer_address_of(socket)), stream_(std::move(socket)), state_(state),
        buffer_(static_cast<std::size_t>(state.options.max_request_bytes)) {
    enter();
  }
  // TLS connection; keeps its context alive for the connection's life, so a
  // certificate rotation never pulls it away mid-session.
  HttpSession(tcp::socket socket, HttpServerState& state, std::shared_ptr<asio::ssl::context> context)
    requires std::is_same_v<Stream, TlsStream>
      : peer_address_(peer_address_of(socket)), context_(std::move(context)), stream_(std::move(socket), *context_),
        state_(state), buffer_(static_cast<std::size_t>(state.options.max_request_bytes)) {
    enter();
  }
  ~HttpSession() override {
    state_.sessions.erase(this);
    --state_.connections_open;
  }
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      // The handshake shares the request's deadline: a client that opens
      // a connection and never says hello is cut off like a silent one.
      beast::get_lowest_layer(stream_).expires_after(state_.options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code error) {
        if (error) {
          ++self->state_.tls_handshake_errors;
          return self->close();
        }
        self->client_cert_subject_ = verified_client_subject(self->stream_.native_handle());
        self->read_request();
      });
    } else {
      read_request();
    }
  }

  // Closes the socket without a TLS close_notify: every caller is ending
  // the connection because the client misbehaved, left, or the server stops.
  void close() override {
    beast::error_code ignored;
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest.close();
  }

 private:
  void enter() {
    state_.sessions.insert(this);
    ++state_.connections_open;
  }

  void read_request() {
    parser_.emplace(static_cast<std::size_t>(state_.options.max_request_bytes),
                    static_cast<std::size_t>(state_.options.max_header_count),
                    static_cast<std::size_t>(state_.options.max_body_bytes));
    // One deadline for the whole request, not per read: a client that
    // trickles a byte at a time (slowloris) is cut off like a silent one.
    beast::get_lowest_layer(stream_).expires_after(state_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    // Gone, silent past the deadline, or closed by stop(): nobody to answer.
    if (error == http::error::end_of_stream || error == beast::error::timeout || error == asio::error::eof ||
        error == asio::error::connection_reset || error == asio::error::operation_aborted ||
        error == asio::error::bad_descriptor || error == asio::ssl::error::stream_truncated) {
      return close();
    }
    // buffer_overflow: the capped buffer filled before the head ended.
    if (error == http::error::header_limit || error == http::error::buffer_overflow) {
      return reply_error(parser_->request_line_done() ? http::status::request_header_fields_too_large
                                                      : http::status::uri_too_long);
    }
    if (error == http::error::body_limit) return reply_error(http::status::payload_too_large);
    if (error == http::error::bad_version) {
      // The request line is still in the buffer: Beast stops before consuming it.
      auto pending = buffer_.data();
      std::string_view unparsed(static_cast<const char*>(pending.data()), pending.size());
      if (names_unsupported_version(unparsed)) return reply_error(http::status::http_version_not_supported);
    }
    if (error) return reply_error(http::status::bad_request);

    ++state_.requests;
    HttpRequest request;
    request.method = std::move(parser_->method_string());
    request.target = std::move(parser_->target());
    request.accept = std::move(parser_->accept());
    request.accept_encoding = std::move(parser_->accept_encoding());
    request.peer_address = peer_address_;
    request.client_cert_subject = client_cert_subject_;
    request.authorization = std::move(parser_->authorization());
    request.body = std::move(parser_->body());
    request.last_event_id = std::move(parser_->last_event_id());
    auto security = state_.current_security();
    if (!security || !security->authenticator().enabled()) return answer(request);
    auto credentials = parse_basic_authorization(request.authorization);
    if (!credentials) return respond(unauthorized());
    request.basic_auth_user = credentials->user;
    if (security->authenticator().known_good(*credentials)) return answer(request);
    // First sight of these credentials: bcrypt off the io thread, then
    // back on it to answer. The connection reads nothing meanwhile.
    auto shared_request = std::make_shared<HttpRequest>(std::move(request));
    asio::post(*state_.auth_pool, [self = this->shared_from_this(), security, credentials = std::move(*credentials),
                                   shared_request]() mutable {
      bool good = security->authenticator().verify(credentials);
      auto executor = self->stream_.get_executor();
      asio::post(executor, [self = std::move(self), good, shared_request] {
        if (good) return self->answer(*shared_request);
        self->respond(unauthorized());
      });
    });
  }

  void answer(const HttpRequest& request) {
    HttpResponse response;
    try {
      response = state_.handler(request);
    } catch (...) {
      // Whatever the handler threw, this client gets an answer and the
      // server keeps serving the others.
      response = plain_text(http::status::internal_server_error, "internal error\n");
    }
    const bool head = parser_->method() == http::verb::head;
    if (response.stream && !head) return start_stream(std::move(response));
    response.stream.reset();
    respond(std::move(response));
  }

  void respond(HttpResponse response) {
    send(std::move(response), parser_->method() == http::verb::head, parser_->version(), parser_->keep_alive());
  }

  // ---- Streamed responses (Server-Sent Events) ----------------------------
  //
  // The head is written by hand: no Content-Length, and "Connection: close",
  // since the body ends when the connection does (RFC 9112 §6.3).
  void start_stream(HttpResponse response) {
    stream_spec_ = std::move(response.stream);
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                       std::string(http::obsolete_reason(static_cast<http::status>(response.status))) + "\r\n";
    head += "Content-Type: " + response.content_type + "\r\n";
    if (auto security = state_.current_security()) {
      for (const auto& [name, value] : security->config().http.headers) head += name + ": " + value + "\r\n";
    }
    for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
    head += "Connection: close\r\n\r\n";
    sink_ = std::make_shared<Sink>(this->weak_from_this(), stream_spec_->max_queued_bytes);
    if (stream_spec_->socket_send_buffer_bytes > 0) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream_).socket().set_option(asio::socket_base::send_buffer_size(stream_spec_->socket_send_buffer_bytes), ignored);
    }
    // The stream's own timers govern from here; the read below waits for
    // the client to leave and must not time out.
    beast::get_lowest_layer(stream_).expires_never();
    watch_for_close();
    heartbeat_.emplace(stream_.get_executor());
    write_timer_.emplace(stream_.get_executor());
    sink_->push(std::make_shared<const std::string>(std::move(head)));
    if (stream_spec_->start) producer_handle_ = stream_spec_->start(sink_);
    schedule_heartbeat();
  }

  // Anything the client sends now is ignored; its end (or an error) ends
  // the stream.
  void watch_for_close() {
    stream_.async_read_some(asio::buffer(discard_), [self = this->shared_from_this()](beast::error_code error, std::size_t) {
      if (self->ended_) return;
      if (error) return self->end_stream(error == asio::error::operation_aborted ? StreamEnd::server_stopped
                                                                                   : StreamEnd::client_closed);
      self->watch_for_close();
    });
  }

  void schedule_heartbeat() {
    if (ended_ || !stream_spec_->heartbeat || stream_spec_->heartbeat_interval.count() <= 0) return;
    heartbeat_->expires_after(stream_spec_->heartbeat_interval);
    heartbeat_->async_wait([self = this->shared_from_this()](beast::error_code error) {
      if (error || self->ended_) return;
      self->sink_->push(self->stream_spec_->heartbeat);
      self->schedule_heartbeat();
    });
  }

  // On the io thread: writes everything queued as one gathered write.
  void drain() {
    if (ended_ || writing_) return;
    auto batch = sink_->take();
    if (batch.chunks.empty()) {
      if (batch.closing) end_stream(batch.end.value_or(StreamEnd::producer_closed));
      return;
    }
    writing_ = true;
    auto chunks = std::make_shared<std::vector<std::shared_ptr<const std::string>>>(std::move(batch.chunks));
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(chunks->size());
    for (const auto& chunk : *chunks) buffers.emplace_back(chunk->data(), chunk->size());
    write_timer_->expires_after(stream_spec_->write_timeout);
    write_timer_->async_wait([self = this->shared_from_this()](beast::error_code error) {
      if (!error && self->writing_) self->end_stream(StreamEnd::write_timeout);
    });
    asio::async_write(stream_, buffers, [self = this->shared_from_this(), chunks](beast::error_code error, std::size_t) {
      self->writing_ = false;
      self->write_timer_->cancel();
      if (self->ended_) return;
      if (error) return self->end_stream(StreamEnd::write_error);
      self->drain();
    });
  }

  void end_stream(StreamEnd reason) {
    if (ended_) return;
    ended_ = true;
    sink_->mark_ended();
    if (stream_spec_->on_end) stream_spec_->on_end(reason);
    producer_handle_.reset();
    heartbeat_->cancel();
    write_timer_->cancel();
    close();
  }

  // The producer's side of one stream: a bounded queue, filled from any
  // thread, drained on the io thread.
  class Sink : public StreamSink {
   public:
    Sink(std::weak_ptr<HttpSession> session, std::size_t max_bytes) : session_(std::move(session)), max_bytes_(max_bytes) {
      if (auto s = session_.lock()) executor_.emplace(s->stream_.get_executor());
    }
    bool push(std::shared_ptr<const std::string> bytes) override {
      if (!bytes) return true;
      {
        std::lock_guard lock(mutex_);
        if (ended_ || closing_) return false;
        if (queued_bytes_ + bytes->size() > max_bytes_) {
          // Too far behind: drop it rather than buffer without bound.
          closing_ = true;
          end_ = StreamEnd::queue_full;
          chunks_.clear();
          queued_bytes_ = 0;
          wake_locked();
          return false;
        }
        queued_bytes_ += bytes->size();
        chunks_.push_back(std::move(bytes));
        wake_locked();
      }
      return true;
    }
    bool push_backlog(std::vector<std::shared_ptr<const std::string>> frames) override {
      std::lock_guard lock(mutex_);
      if (ended_ || closing_) return false;
      for (auto& frame : frames) {
        if (frame) chunks_.push_back(std::move(frame));
      }
      wake_locked();
      return true;
    }
    void close() override {
      std::lock_guard lock(mutex_);
      if (ended_ || closing_) return;
      closing_ = true;
      wake_locked();
    }
    struct Batch {
      std::vector<std::shared_ptr<const std::string>> chunks;
      bool closing = false;
      std::optional<StreamEnd> end;
    };
    Batch take() {
      std::lock_guard lock(mutex_);
      wake_posted_ = false;
      Batch batch{std::vector<std::shared_ptr<const std::string>>(chunks_.begin(), chunks_.end()), closing_, end_};
      chunks_.clear();
      queued_bytes_ = 0;
      return batch;
    }
    void mark_ended() {
      std::lock_guard lock(mutex_);
      ended_ = true;
      chunks_.clear();
    }

   private:
    // One post per burst, not per chunk: a thousand clients cost a
    // thousand posts per event at most.
    void wake_locked() {
      if (wake_posted_ || !executor_) return;
      wake_posted_ = true;
      asio::post(*executor_, [weak = session_] {
        if (auto session = weak.lock()) session->drain();
      });
    }

    std::weak_ptr<HttpSession> session_;
    std::optional<asio::any_io_executor> executor_;
    const std::size_t max_bytes_;
    std::mutex mutex_;
    std::deque<std::shared_ptr<const std::string>> chunks_;
    std::size_t queued_bytes_ = 0;
    bool wake_posted_ = false;
    bool closing_ = false;
    bool ended_ = false;
    std::optional<StreamEnd> end_;
  };

  void send(HttpResponse outgoing, bool head, unsigned version, bool keep_alive, bool refused = false) {
    auto response = std::make_shared<Response>(static_cast<http::status>(outgoing.status), version);
    response->set(http::field::content_type, outgoing.content_type);
    if (!outgoing.content_encoding.empty()) response->set(http::field::content_encoding, outgoing.content_encoding);
    // The web config's headers (HSTS, CSP, ...) go on every answer, errors
    // and 401s included, as exporter-toolkit does.
    if (auto security = state_.current_security()) {
      for (const auto& [name, value] : security->config().http.headers) response->set(name, value);
    }
    for (const auto& [name, value] : outgoing.headers) response->set(name, value);
    response->content_length(SharedStringBody::size(outgoing.body));
    // HEAD: the GET headers, Content-Length included, and no body.
    if (!head) response->body() = std::move(outgoing.body);
    response->keep_alive(keep_alive);
    // A client that stops reading a large body is dropped after the same
    // timeout as one that stops sending.
    beast::get_lowest_layer(stream_).expires_after(state_.options.read_timeout);
    // The response (and with it the shared body) lives in the handler
    // until the last byte is written.
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response, refused](beast::error_code error, std::size_t) {
                        if (error) return self->close();
                        if (refused) return self->linger();
                        if (!response->keep_alive()) return self->close();
                        self->read_request();
                      });
  }

  // A refused request (414, 413, 400...) often leaves bytes unread; closing
  // then would make the kernel send a reset, which can destroy the answer
  // before the client reads it. So stop sending, read and discard what
  // still comes for a moment (RFC 9112, 9.6), then close.
  void linger() {
    auto& lowest = beast::get_lowest_layer(stream_);
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest.expires_after(std::min<std::chrono::milliseconds>(state_.options.read_timeout, kLingerTime));
    discard(kLingerBytes);
  }

  void discard(std::size_t budget) {
    buffer_.clear();
    auto space = buffer_.prepare(std::min<std::size_t>(budget, buffer_.max_size()));
    beast::get_lowest_layer(stream_).async_read_some(
        space, [self = this->shared_from_this(), budget](beast::error_code error, std::size_t read) {
          if (error || read >= budget) return self->close();
          self->discard(budget - read);
        });
  }

  void reply_error(http::status status) {
    send(plain_text(status, std::string(http::obsolete_reason(status)) + "\n"), false, 11, false, true);
  }

  static constexpr std::chrono::milliseconds kLingerTime{2000};
  static constexpr std::size_t kLingerBytes = 256 * 1024;

  std::string peer_address_;
  std::string client_cert_subject_;
  std::shared_ptr<asio::ssl::context> context_;  // TLS only; declared before the stream that uses it
  Stream stream_;
  HttpServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<RequestHeadParser> parser_;

  // Set while streaming.
  std::shared_ptr<ResponseStream> stream_spec_;
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<void> producer_handle_;
  std::optional<asio::steady_timer> heartbeat_, write_timer_;
  std::array<char, 512> discard_{};
  bool writing_ = false;
  bool ended_ = false;
};

void start_http_session(tcp::socket socket, HttpServerState& state) {
  auto security = state.current_security();
  if (security && security->tls_enabled()) {
    std::make_shared<HttpSession<TlsStream>>(std::move(socket), state, security->tls_context())->start();
  } else {
    std::make_shared<HttpSession<PlainStream>>(std::move(socket), state)->start();
  }
}

void close_all_sessions(HttpServerState& state) {
  // Closing only cancels; the sessions leave the set later, from their
  // aborted handlers, so iterate over a copy anyway.
  std::vector<HttpConnection*> open(state.sessions.begin(), state.sessions.end());
  for (auto* session : open) session->close();
}

}  // namespace ainode
