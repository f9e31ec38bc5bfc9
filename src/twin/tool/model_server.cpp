#include "model_server.hpp"

#include <fstream>
#include <sstream>

#include "twin/model_server_metrics.hpp"

namespace ainode::twin {

ModelServer::ModelServer(const std::string& address, std::string state_file) : state_file_(std::move(state_file)) {
  server_ = std::make_unique<TwinHttpServer>(address, [this](const std::string& path) -> std::optional<TwinHttpResponse> {
    if (path != "/metrics") return std::nullopt;
    std::ifstream in(state_file_);
    std::ostringstream text;
    text << in.rdbuf();
    if (auto metrics = vllm_metrics(text.str())) return TwinHttpResponse{"200 OK", "text/plain; version=0.0.4", *metrics};
    return TwinHttpResponse{"503 Service Unavailable", "text/plain", "no GPU state yet\n"};
  });
}

}  // namespace ainode::twin
