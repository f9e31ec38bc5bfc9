#pragma once
// A minimal HTTP/1.0 server for the twin's model server: GET /metrics
// answers vllm_metrics() of the state file, anything else 404. One
// connection at a time on its own thread; demo infrastructure, not the agent.
#include <atomic>
#include <string>
#include <thread>

namespace ainode::twin {

class ModelServer {
 public:
  // Binds host:port; bound() is false (and error() says why) if it cannot.
  // `clock_file` holds scenario time (the twin's shared clock).
  ModelServer(const std::string& address, std::string state_file, std::string clock_file);
  ~ModelServer();
  bool bound() const { return socket_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  void serve();
  int socket_ = -1;
  std::string state_file_, clock_file_, error_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ainode::twin
