#pragma once
// The twin's model server: GET /metrics answers vllm_metrics() of the
// simulated NVML's state file, anything else 404. Demo infrastructure.
#include <memory>
#include <string>

#include "twin_http_server.hpp"

namespace ainode::twin {

class ModelServer {
 public:
  // Binds host:port; bound() is false (and error() says why) if it cannot.
  ModelServer(const std::string& address, std::string state_file);
  bool bound() const { return server_->bound(); }
  const std::string& error() const { return server_->error(); }

 private:
  std::string state_file_;
  std::unique_ptr<TwinHttpServer> server_;  // last: its thread reads state_file_
};

}  // namespace ainode::twin
