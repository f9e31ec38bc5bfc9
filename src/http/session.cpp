#include "http/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <array>
#include <deque>
#include <memory>
#include <mutex>
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
    HttpRequest request;
    request.method = std::move(parser_->method_string());
    request.target = std::move(parser_->target());
    request.accept = std::move(parser_->accept());
    request.accept_encoding = std::move(parser_->accept_encoding());
    request.authorization = std::move(parser_->authorization());
    request.last_event_id = std::move(parser_->last_event_id());
    request.peer_address = peer_address();
    HttpResponse response;
    try {
      response = state_.handler(request);
    } catch (...) {
      // Whatever the handler threw, this client gets an answer and the
      // server keeps serving the others.
      response = plain_text(http::status::internal_server_error, "internal error\n");
    }
    if (response.stream && !head) return start_stream(std::move(response));
    response.stream.reset();
    send(std::move(response), head, parser_->version(), parser_->keep_alive());
  }

  std::string peer_address() {
    beast::error_code error;
    auto endpoint = stream_.socket().remote_endpoint(error);
    if (error) return {};
    auto address = endpoint.address();
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
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
    for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
    head += "Connection: close\r\n\r\n";
    sink_ = std::make_shared<Sink>(weak_from_this(), stream_spec_->max_queued_bytes);
    if (stream_spec_->socket_send_buffer_bytes > 0) {
      beast::error_code ignored;
      stream_.socket().set_option(asio::socket_base::send_buffer_size(stream_spec_->socket_send_buffer_bytes), ignored);
    }
    // The stream's own timers govern from here; the read below waits for
    // the client to leave and must not time out.
    stream_.expires_never();
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
    stream_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (self->ended_) return;
      if (error) return self->end_stream(error == asio::error::operation_aborted ? StreamEnd::server_stopped
                                                                                   : StreamEnd::client_closed);
      self->watch_for_close();
    });
  }

  void schedule_heartbeat() {
    if (ended_ || !stream_spec_->heartbeat || stream_spec_->heartbeat_interval.count() <= 0) return;
    heartbeat_->expires_after(stream_spec_->heartbeat_interval);
    heartbeat_->async_wait([self = shared_from_this()](beast::error_code error) {
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
    write_timer_->async_wait([self = shared_from_this()](beast::error_code error) {
      if (!error && self->writing_) self->end_stream(StreamEnd::write_timeout);
    });
    asio::async_write(stream_, buffers, [self = shared_from_this(), chunks](beast::error_code error, std::size_t) {
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
  std::make_shared<HttpSession>(std::move(socket), state)->start();
}

void close_all_sessions(HttpServerState& state) {
  // Closing only cancels; the sessions leave the set later, from their
  // aborted handlers, so iterate over a copy anyway.
  std::vector<HttpSession*> open(state.sessions.begin(), state.sessions.end());
  for (auto* session : open) session->close();
}

}  // namespace ainode
