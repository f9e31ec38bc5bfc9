#include "model_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "twin/model_server_metrics.hpp"

namespace ainode::twin {

ModelServer::ModelServer(const std::string& address, std::string state_file, std::string clock_file)
    : state_file_(std::move(state_file)), clock_file_(std::move(clock_file)) {
  auto colon = address.rfind(':');
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  if (colon == std::string::npos || inet_pton(AF_INET, address.substr(0, colon).c_str(), &where.sin_addr) != 1) {
    error_ = "not an IPv4 host:port: " + address;
    return;
  }
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

ModelServer::~ModelServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (socket_ >= 0) close(socket_);
}

void ModelServer::serve() {
  while (!stopping_) {
    pollfd waiting{socket_, POLLIN, 0};
    if (poll(&waiting, 1, 200) <= 0) continue;  // wakes to notice stopping_
    int client = accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    char request[2048];
    ssize_t got = recv(client, request, sizeof request - 1, 0);
    std::string first = got > 0 ? std::string(request, static_cast<std::size_t>(got)) : "";
    std::string status = "404 Not Found", body = "not found\n";
    if (first.starts_with("GET /metrics ") || first.starts_with("GET /metrics?")) {
      std::ifstream in(state_file_);
      std::ostringstream text;
      text << in.rdbuf();
      std::optional<double> now;
      if (double t = 0; std::ifstream(clock_file_) >> t) now = t;
      if (auto metrics = vllm_metrics(text.str(), now)) {
        status = "200 OK";
        body = *metrics;
      } else {
        status = "503 Service Unavailable";
        body = "no GPU state yet\n";
      }
    }
    std::string response = "HTTP/1.0 " + status + "\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    (void)send(client, response.data(), response.size(), MSG_NOSIGNAL);
    close(client);
  }
}

}  // namespace ainode::twin
