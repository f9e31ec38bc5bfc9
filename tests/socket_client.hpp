#pragma once
// A plain blocking socket client for tests that talk HTTP to a real
// HttpServer on loopback: connect, send, poll, read a response or until
// the server closes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace ainode::test {

using namespace std::chrono_literals;

// A client socket, closed when it goes out of scope.
struct Client {
  int fd = -1;
  Client() = default;
  explicit Client(int descriptor) : fd(descriptor) {}
  Client(Client&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
  Client& operator=(Client&& other) noexcept {
    std::swap(fd, other.fd);
    return *this;
  }
  ~Client() {
    if (fd >= 0) close(fd);
  }
};

inline Client connect_to(std::uint16_t port, const char* host = "127.0.0.1") {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  if (inet_pton(AF_INET, host, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr) == 1) {
    auto* address = reinterpret_cast<sockaddr_in*>(&storage);
    address->sin_family = AF_INET;
    address->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else {
    auto* address = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET6, host, &address->sin6_addr) != 1) return Client{};
    family = AF_INET6;
    address->sin6_family = AF_INET6;
    address->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  }
  Client client(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (client.fd < 0 || connect(client.fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) return Client{};
  return client;
}

inline bool send_all(const Client& client, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(client.fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

inline bool readable(const Client& client, int timeout_ms) {
  pollfd p{client.fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0;
}

struct Received {
  std::string data;
  bool closed = false;  // the server closed (or reset) the connection
};

// Reads until the server closes the connection or `timeout` passes.
inline Received read_until_close(const Client& client, std::chrono::milliseconds timeout = 3000ms) {
  Received received;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    if (!readable(client, 20)) continue;
    ssize_t n = recv(client.fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      received.closed = true;
      break;
    }
    received.data.append(buffer, static_cast<std::size_t>(n));
  }
  return received;
}

// Reads exactly one response from a connection that stays open; `head`
// means no body follows whatever Content-Length says.
inline std::string read_response(const Client& client, bool head = false) {
  std::string data;
  char c;
  auto deadline = std::chrono::steady_clock::now() + 3s;
  auto read_byte = [&] {
    while (std::chrono::steady_clock::now() < deadline) {
      if (readable(client, 20)) return recv(client.fd, &c, 1, 0) == 1;
    }
    return false;
  };
  while (!data.ends_with("\r\n\r\n") && read_byte()) data += c;
  std::size_t length = 0;
  if (auto at = data.find("Content-Length: "); at != std::string::npos) length = std::stoul(data.substr(at + 16));
  if (head) return data;
  for (std::size_t i = 0; i < length && read_byte(); ++i) data += c;
  return data;
}

inline Received exchange(std::uint16_t port, std::string_view request) {
  Client client = connect_to(port);
  send_all(client, request);
  return read_until_close(client);
}

inline std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

inline std::string body_of(const std::string& response) {
  auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

template <class Predicate>
bool wait_for(Predicate done, std::chrono::milliseconds timeout = 3000ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

}  // namespace ainode::test
