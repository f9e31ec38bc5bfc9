#include "k8s/grpc_unary_call.hpp"

#include <fcntl.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "ainode/build_info.hpp"
#include "k8s/grpc_frame_parser.hpp"

namespace ainode {

namespace {

using Clock = std::chrono::steady_clock;

// One unary call's state, shared with nghttp2's callbacks.
struct Call {
  std::int32_t stream_id = -1;
  std::string request;  // the framed request message
  std::size_t sent = 0;
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
  long http_status = 0;
  GrpcStatus status;
  bool closed = false;
  std::uint32_t reset_code = 0;  // the stream's HTTP/2 error code when it was reset
};

ssize_t provide_request(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t length,
                        std::uint32_t* flags, nghttp2_data_source*, void* user) {
  auto* call = static_cast<Call*>(user);
  std::size_t count = std::min(length, call->request.size() - call->sent);
  std::memcpy(buffer, call->request.data() + call->sent, count);
  call->sent += count;
  if (call->sent == call->request.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(count);
}

// Headers and, after the body, trailers: both come through here.
int keep_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t name_length,
                const std::uint8_t* value, std::size_t value_length, std::uint8_t, void* user) {
  auto* call = static_cast<Call*>(user);
  if (frame->hd.stream_id != call->stream_id) return 0;
  std::string_view field(reinterpret_cast<const char*>(name), name_length);
  std::string_view text(reinterpret_cast<const char*>(value), value_length);
  if (field == ":status") {
    call->http_status = std::strtol(std::string(text).c_str(), nullptr, 10);
  } else {
    read_grpc_header_line(std::string(field) + ": " + std::string(text), call->status);
  }
  return 0;
}

int keep_body(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data, std::size_t length,
              void* user) {
  auto* call = static_cast<Call*>(user);
  if (stream_id != call->stream_id) return 0;
  // The limit is on the message, as gRPC's max receive size; 5 bytes of prefix.
  if (call->body.size() + length > call->limit + 5) {
    call->too_large = true;
    return NGHTTP2_ERR_CALLBACK_FAILURE;  // ends the session: nothing more is read
  }
  call->body.append(reinterpret_cast<const char*>(data), length);
  return 0;
}

int stream_closed(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code, void* user) {
  auto* call = static_cast<Call*>(user);
  if (stream_id == call->stream_id) {
    call->closed = true;
    call->reset_code = error_code;
  }
  return 0;
}

std::string framed(const std::string& message) {
  std::string out(5, '\0');
  auto length = static_cast<std::uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(1 + i)] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
  return out + message;
}

struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

// A non-blocking stream socket connected to `path`, or "" and why not.
std::string connect_unix(const std::string& path, Clock::time_point deadline, FileDescriptor& socket_fd) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return "socket path longer than " + std::to_string(sizeof(address.sun_path) - 1) + " bytes";
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  socket_fd.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (socket_fd.fd < 0) return std::string("socket: ") + std::strerror(errno);
  if (::connect(socket_fd.fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) return "";
  if (errno != EAGAIN && errno != EINPROGRESS) return std::string("cannot connect: ") + std::strerror(errno);
  // The listener's backlog is full: wait for room, within the deadline.
  pollfd writable{socket_fd.fd, POLLOUT, 0};
  if (::poll(&writable, 1, remaining_ms(deadline)) <= 0) return "cannot connect: the listener's backlog stayed full";
  int error = 0;
  socklen_t size = sizeof(error);
  ::getsockopt(socket_fd.fd, SOL_SOCKET, SO_ERROR, &error, &size);
  return error == 0 ? "" : std::string("cannot connect: ") + std::strerror(error);
}

using Session = std::unique_ptr<nghttp2_session, void (*)(nghttp2_session*)>;

Session new_session(Call& call) {
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) return Session(nullptr, nghttp2_session_del);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, keep_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, keep_body);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, stream_closed);
  nghttp2_session* session = nullptr;
  int created = nghttp2_session_client_new(&session, callbacks, &call);
  nghttp2_session_callbacks_del(callbacks);
  return Session(created == 0 ? session : nullptr, nghttp2_session_del);
}

nghttp2_nv field(const std::string& name, const std::string& value) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

// Drives the session over the socket until the call's stream closes: ""
// then, else the gRPC status name of what went wrong (and `error`).
std::string exchange(nghttp2_session* session, int fd, Call& call, Clock::time_point deadline, std::string& error) {
  std::string pending;
  std::array<std::uint8_t, 16384> buffer{};
  while (!call.closed) {
    for (;;) {
      const std::uint8_t* data = nullptr;
      ssize_t produced = nghttp2_session_mem_send(session, &data);
      if (produced < 0) {
        error = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(produced));
        return "INTERNAL";
      }
      if (produced == 0) break;
      pending.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(produced));
    }
    if (pending.empty() && nghttp2_session_want_read(session) == 0) {
      error = "the connection ended before the answer did";
      return "UNAVAILABLE";
    }
    pollfd ready{fd, static_cast<short>(POLLIN | (pending.empty() ? 0 : POLLOUT)), 0};
    int polled = ::poll(&ready, 1, remaining_ms(deadline));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) return "DEADLINE_EXCEEDED";
    if ((ready.revents & POLLOUT) != 0) {
      ssize_t written = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
      if (written < 0 && errno != EAGAIN && errno != EINTR) {
        error = std::string("send: ") + std::strerror(errno);
        return "UNAVAILABLE";
      }
      if (written > 0) pending.erase(0, static_cast<std::size_t>(written));
    }
    if ((ready.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) {
        error = got == 0 ? "the server closed the connection before answering" : std::string("recv: ") + std::strerror(errno);
        return "UNAVAILABLE";
      }
      ssize_t used = nghttp2_session_mem_recv(session, buffer.data(), static_cast<std::size_t>(got));
      if (call.too_large) return "RESOURCE_EXHAUSTED";
      if (used < 0) {
        error = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(used));
        return "UNAVAILABLE";
      }
    }
  }
  return "";
}

}  // namespace

GrpcCallResult grpc_unary_call(const GrpcCallOptions& options, std::string_view method, const std::string& request) {
  auto deadline = Clock::now() + options.timeout;
  std::string where = "unix:" + options.socket_path;
  FileDescriptor socket_fd;
  if (std::string problem = connect_unix(options.socket_path, deadline, socket_fd); !problem.empty()) {
    return {"", "UNAVAILABLE", where + ": " + problem};
  }
  Call call;
  call.request = framed(request);
  call.limit = options.max_receive_bytes;
  Session session = new_session(call);
  if (!session) return {"", "INTERNAL", "cannot create an HTTP/2 session"};
  nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
  nghttp2_submit_settings(session.get(), NGHTTP2_FLAG_NONE, settings, 1);
  // The authority is not looked at on a unix socket; gRPC clients send "localhost".
  const std::string names[] = {":method", ":scheme", ":path", ":authority", "content-type", "te", "grpc-timeout", "user-agent"};
  const std::string values[] = {"POST", "http", std::string(method), "localhost", "application/grpc", "trailers",
                                // The server gives up when we do, instead of finishing an answer no one reads.
                                std::to_string(options.timeout.count()) + "m", std::string("ainode/") + build::version};
  std::array<nghttp2_nv, 8> fields{};
  for (std::size_t i = 0; i < fields.size(); ++i) fields[i] = field(names[i], values[i]);
  nghttp2_data_provider body{};
  body.read_callback = provide_request;
  call.stream_id = nghttp2_submit_request(session.get(), nullptr, fields.data(), fields.size(), &body, &call);
  if (call.stream_id < 0) return {"", "INTERNAL", std::string("HTTP/2: ") + nghttp2_strerror(call.stream_id)};

  std::string error;
  std::string failed = exchange(session.get(), socket_fd.fd, call, deadline, error);
  if (failed == "RESOURCE_EXHAUSTED") {
    return {"", failed, "answer larger than " + std::to_string(options.max_receive_bytes) + " bytes from " + where};
  }
  if (failed == "DEADLINE_EXCEEDED") {
    return {"", failed, "no answer within " + std::to_string(options.timeout.count()) + " ms from " + where};
  }
  if (!failed.empty()) return {"", failed, where + ": " + error};
  if (call.status.code) {
    if (*call.status.code != 0) return {"", grpc_status_name(*call.status.code), call.status.message};
  } else if (call.reset_code != NGHTTP2_NO_ERROR) {
    return {"", "UNAVAILABLE", where + ": the stream was reset (HTTP/2 error " + std::to_string(call.reset_code) + ")"};
  } else if (call.http_status != 200) {
    return {"", grpc_status_name_for_http(call.http_status), where + ": HTTP " + std::to_string(call.http_status)};
  } else {
    return {"", "INTERNAL", where + ": answer without grpc-status"};
  }
  GrpcBody message = parse_grpc_unary_body(call.body);
  if (!message.error.empty()) return {"", "INTERNAL", where + ": " + message.error};
  return {std::move(message.message), "OK", ""};
}

}  // namespace ainode
