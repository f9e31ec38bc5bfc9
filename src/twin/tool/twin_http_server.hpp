#pragma once
// A minimal HTTP/1.0 server for the twin's own endpoints (the model server's
// /metrics, the twin kubelet's /pods): GET PATH answered by a handler, one
// connection at a time on its own thread. Demo and test infrastructure,
// not the agent's server.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace ainode::twin {

struct TwinHttpResponse {
  std::string status = "200 OK";
  std::string content_type = "text/plain";
  std::string body;
};

class TwinHttpServer {
 public:
  // The path without its query; nullopt answers 404.
  using Handler = std::function<std::optional<TwinHttpResponse>(const std::string& path)>;
  // Binds host:port (IPv4); bound() is false (and error() says why) if it cannot.
  TwinHttpServer(const std::string& address, Handler handler);
  ~TwinHttpServer();
  TwinHttpServer(const TwinHttpServer&) = delete;
  TwinHttpServer& operator=(const TwinHttpServer&) = delete;
  bool bound() const { return socket_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  void serve();
  int socket_ = -1;
  Handler handler_;
  std::string error_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ainode::twin
