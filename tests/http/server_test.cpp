#include "http/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace ainode;
using namespace std::chrono_literals;

namespace {

HttpResponse echo_handler(const HttpRequest& request) {
  if (request.target == "/throw") throw std::runtime_error("boom");
  HttpResponse response;
  if (request.target == "/big") {
    response.body = std::make_shared<const std::string>(std::string(1 << 20, 'x'));
    return response;
  }
  response.headers.emplace_back("X-Method", request.method);
  response.body = std::make_shared<const std::string>("target=" + request.target + " accept=" + request.accept +
                                                      " encoding=" + request.accept_encoding + "\n");
  return response;
}

struct Server {
  HttpServer server;
  explicit Server(HttpServerOptions options = {}) : server(with_loopback(options), echo_handler) { server.start(); }
  static HttpServerOptions with_loopback(HttpServerOptions options) {
    options.listen_address = "127.0.0.1:0";
    return options;
  }
};

int connect_to(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads until the peer closes or `timeout` passes.
std::string read_until_close(int fd, std::chrono::milliseconds timeout = 3000ms) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::string exchange(std::uint16_t port, std::string_view request) {
  int fd = connect_to(port);
  send_all(fd, request);
  std::string response = read_until_close(fd);
  close(fd);
  return response;
}

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

}  // namespace

TEST(HttpServer, GetHeadAndHeaders) {
  Server s;
  std::string get = exchange(s.server.port(),
                             "GET /metrics?x=1 HTTP/1.1\r\nHost: t\r\nAccept: text/plain\r\nAccept-Encoding: gzip\r\n"
                             "Connection: close\r\n\r\n");
  EXPECT_EQ(status_line(get), "HTTP/1.1 200 OK");
  EXPECT_NE(get.find("X-Method: GET\r\n"), std::string::npos);
  EXPECT_TRUE(get.ends_with("target=/metrics?x=1 accept=text/plain encoding=gzip\n")) << get;

  std::string head = exchange(s.server.port(), "HEAD /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
  EXPECT_NE(head.find("Content-Length: 28\r\n"), std::string::npos) << head;  // "target=/a accept= encoding=\n"
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << head;
}

TEST(HttpServer, KeepAliveServesSeveralRequestsAndHttp10Closes) {
  Server s;
  std::string both = exchange(s.server.port(),
                              "GET /one HTTP/1.1\r\nHost: t\r\n\r\nGET /two HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_NE(both.find("target=/one"), std::string::npos);
  EXPECT_NE(both.find("target=/two"), std::string::npos);
  std::string old = exchange(s.server.port(), "GET /old HTTP/1.0\r\n\r\n");
  EXPECT_EQ(status_line(old), "HTTP/1.0 200 OK");
  EXPECT_EQ(s.server.stats().requests, 3u);
}

TEST(HttpServer, LimitsAndErrors) {
  HttpServerOptions options;
  options.max_request_bytes = 2048;
  options.max_header_count = 10;
  Server s(options);
  std::string huge = "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n";
  EXPECT_EQ(status_line(exchange(s.server.port(), huge)), "HTTP/1.1 431 Request Header Fields Too Large");
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 20; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(status_line(exchange(s.server.port(), many + "\r\n")), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(status_line(exchange(s.server.port(), "\x01\x02garbage\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(exchange(s.server.port(), "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")),
            "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(status_line(exchange(s.server.port(), "GET /throw HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")),
            "HTTP/1.1 500 Internal Server Error");
  // Still serving after all of that.
  EXPECT_EQ(status_line(exchange(s.server.port(), "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")), "HTTP/1.1 200 OK");
}

TEST(HttpServer, LargeBody) {
  Server s;
  std::string big = exchange(s.server.port(), "GET /big HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(big.find("Content-Length: 1048576\r\n"), std::string::npos);
  EXPECT_EQ(big.size() - big.find("\r\n\r\n") - 4, 1u << 20);
}

TEST(HttpServer, BindFailureNamesTheAddress) {
  Server first;
  HttpServerOptions options;
  options.listen_address = "127.0.0.1:" + std::to_string(first.server.port());
  HttpServer second(options, echo_handler);
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(options.listen_address), std::string::npos) << error.what();
  }
}

TEST(HttpServer, MaxConnectionsRefusesTheRest) {
  HttpServerOptions options;
  options.max_connections = 10;
  Server s(options);
  std::vector<int> held;
  for (int i = 0; i < 10; ++i) held.push_back(connect_to(s.server.port()));
  for (int i = 0; i < 100 && s.server.stats().connections_open < 10; ++i) std::this_thread::sleep_for(10ms);
  int extra = connect_to(s.server.port());
  send_all(extra, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(read_until_close(extra, 2000ms), "");  // closed without an answer
  close(extra);
  EXPECT_EQ(s.server.stats().connections_rejected, 1u);
  for (int fd : held) close(fd);
}

// The requirement: 1,000 idle or slow clients must not stop a fresh
// scrape from being answered within 100 ms, and they are dropped after the
// read timeout, so memory stays bounded.
TEST(HttpServer, SlowlorisClientsDoNotDelayAFreshScrape) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 2100u) << "needs file descriptors for 1000 clients";

  HttpServerOptions options;
  options.read_timeout = 1500ms;
  Server s(options);
  std::vector<int> slow;
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_to(s.server.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    send_all(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n");  // never finished
    slow.push_back(fd);
  }
  for (int i = 0; i < 200 && s.server.stats().connections_open < 1000; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(s.server.stats().connections_open, 1000u);
  // One more trickled byte each, as slowloris does.
  for (int fd : slow) send_all(fd, "X");

  auto started = std::chrono::steady_clock::now();
  std::string fresh = exchange(s.server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status_line(fresh), "HTTP/1.1 200 OK");
  EXPECT_LT(elapsed, 100ms) << std::chrono::duration<double, std::milli>(elapsed).count() << " ms";

  // After the read timeout every stalled client has been dropped.
  for (int i = 0; i < 400 && s.server.stats().connections_open > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(s.server.stats().connections_open, 0u);
  for (int fd : slow) close(fd);
}
