#include "twin_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ainode::twin {

TwinHttpServer::TwinHttpServer(const std::string& address, Handler handler) : handler_(std::move(handler)) {
  auto colon = address.rfind(':');
  sockaddr_in where{};
  where.sin_family = AF_INET;
  if (colon == std::string::npos || inet_pton(AF_INET, address.substr(0, colon).c_str(), &where.sin_addr) != 1) {
    error_ = "not an IPv4 host:port: " + address;
    return;
  }
  where.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  setsockopt(socket_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (bind(socket_, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 || listen(socket_, 16) != 0) {
    error_ = address + ": " + std::strerror(errno);
    close(socket_);
    socket_ = -1;
    return;
  }
  thread_ = std::thread([this] { serve(); });
}

TwinHttpServer::~TwinHttpServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (socket_ >= 0) close(socket_);
}

void TwinHttpServer::serve() {
  while (!stopping_) {
    pollfd waiting{socket_, POLLIN, 0};
    if (poll(&waiting, 1, 200) <= 0) continue;  // wakes to notice stopping_
    int client = accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    char request[4096];
    ssize_t got = recv(client, request, sizeof request - 1, 0);
    std::string first = got > 0 ? std::string(request, static_cast<std::size_t>(got)) : "";
    std::optional<TwinHttpResponse> answer;
    if (first.starts_with("GET ")) {
      std::string target = first.substr(4, first.find(' ', 4) - 4);
      answer = handler_(target.substr(0, target.find('?')));
    }
    TwinHttpResponse response = answer.value_or(TwinHttpResponse{"404 Not Found", "text/plain", "not found\n"});
    std::string bytes = "HTTP/1.0 " + response.status + "\r\nContent-Type: " + response.content_type +
                        "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" +
                        response.body;
    (void)send(client, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    close(client);
  }
}

}  // namespace ainode::twin
