// http_get against a scripted loopback server: the framings a server may
// use, the limits and the deadline, and what the request carries. TLS is
// covered end to end (tests/e2e/kubelet_summary.sh: a real CA, a wrong CA,
// a certificate for another address, a Python TLS server).
#include "http/http_get.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace ainode {
namespace {

using namespace std::chrono_literals;

// Accepts one connection, keeps the request head (or, with `any_bytes`,
// the first bytes whatever they are), waits `delay`, writes `answer` and
// closes.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::string answer, std::chrono::milliseconds delay = 0ms, bool any_bytes = false)
      : answer_(std::move(answer)), delay_(delay), any_bytes_(any_bytes) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t size = sizeof(address);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    ::listen(listener_, 4);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string request() {
    thread_.join();
    thread_ = std::thread([] {});
    return request_;
  }

 private:
  void serve() {
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    char buffer[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      ssize_t got = ::recv(client, buffer, sizeof(buffer), 0);
      if (got <= 0) break;
      request_.append(buffer, static_cast<std::size_t>(got));
      if (any_bytes_) break;
    }
    std::this_thread::sleep_for(delay_);
    ::send(client, answer_.data(), answer_.size(), MSG_NOSIGNAL);
    ::close(client);
  }
  std::string answer_;
  std::chrono::milliseconds delay_;
  bool any_bytes_;
  int listener_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

HttpGetAnswer get(const std::string& url, std::size_t max_bytes = 1 << 20, std::chrono::milliseconds timeout = 2s) {
  HttpGetRequest request;
  request.url = url;
  request.max_bytes = max_bytes;
  request.timeout = timeout;
  request.headers.emplace_back("Authorization", "Bearer t0ken");
  return http_get(request);
}

TEST(HttpGet, ContentLengthBodyAndTheRequestItSent) {
  ScriptedServer server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  HttpGetAnswer answer = get(server.url("/stats/summary?only=pods"));
  EXPECT_EQ(answer.error, "");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "hello");
  std::string request = server.request();
  EXPECT_EQ(request.rfind("GET /stats/summary?only=pods HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Authorization: Bearer t0ken\r\n"), std::string::npos);
  EXPECT_NE(request.find("Host: 127.0.0.1:"), std::string::npos);
  EXPECT_NE(request.find("User-Agent: ainode/"), std::string::npos);
}

TEST(HttpGet, ChunkedAndCloseDelimitedBodies) {
  ScriptedServer chunked("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(get(chunked.url()).body, "abcde");
  ScriptedServer until_close("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
  HttpGetAnswer answer = get(until_close.url());
  EXPECT_EQ(answer.error, "");
  EXPECT_EQ(answer.body, "until the end");
}

TEST(HttpGet, StatusOtherThan200IsAnAnswerNotAFailure) {
  ScriptedServer server("HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nUnauthorized");
  HttpGetAnswer answer = get(server.url());
  EXPECT_EQ(answer.error_code, "");
  EXPECT_EQ(answer.status, 401);
}

TEST(HttpGet, BodyOverTheLimitIsRefused) {
  ScriptedServer declared("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  EXPECT_EQ(get(declared.url(), 50).error_code, "too_large");
  ScriptedServer undeclared("HTTP/1.0 200 OK\r\n\r\n" + std::string(100, 'x'));
  EXPECT_EQ(get(undeclared.url(), 50).error_code, "too_large");
  ScriptedServer huge_header("HTTP/1.1 200 OK\r\nX-Junk: " + std::string(70000, 'j') + "\r\n\r\n");
  EXPECT_EQ(get(huge_header.url()).error_code, "too_large");
}

TEST(HttpGet, TruncatedOrMalformedAnswersAreProtocolErrors) {
  ScriptedServer truncated("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
  HttpGetAnswer answer = get(truncated.url());
  EXPECT_EQ(answer.error_code, "protocol") << answer.error;
  ScriptedServer garbage("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  EXPECT_EQ(get(garbage.url()).error_code, "protocol");
}

TEST(HttpGet, SlowServerHitsTheDeadline) {
  ScriptedServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1500ms);
  auto started = std::chrono::steady_clock::now();
  HttpGetAnswer answer = get(server.url(), 1 << 20, 300ms);
  EXPECT_EQ(answer.error_code, "timeout") << answer.error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1200ms);
}

TEST(HttpGet, NobodyListeningAndBadUrls) {
  int port = 0;
  {
    ScriptedServer gone("");
    port = std::stoi(gone.url().substr(17));
  }
  HttpGetAnswer refused = get("http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(refused.error_code, "connect") << refused.error;
  EXPECT_EQ(get("http://no-such-host.invalid/").error_code, "connect");
  HttpGetAnswer bad = get("kubelet:10250");
  EXPECT_EQ(bad.error_code, "url");
  EXPECT_NE(bad.error.find("kubelet:10250"), std::string::npos) << "the error names the URL";
}

TEST(HttpGet, PlainHttpServerAskedForTlsFailsAsTls) {
  ScriptedServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 0ms, true);
  std::string url = server.url();
  url.replace(0, 4, "https");
  HttpGetRequest request;
  request.url = url;
  request.insecure_skip_verify = true;
  request.timeout = 2s;
  EXPECT_EQ(http_get(request).error_code, "tls");
}

}  // namespace
}  // namespace ainode
