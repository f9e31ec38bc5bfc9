#include "k8s/kubelet_http_client.hpp"

#include <fstream>
#include <sstream>

#include "core/text.hpp"
#include "http/http_get.hpp"

namespace ainode {

namespace {

std::string read_token(const std::string& path) {
  std::ifstream file(path);
  if (!file) return "";
  std::stringstream text;
  text << file.rdbuf();
  return std::string(text::trim(text.str()));
}

}  // namespace

KubeletHttpAnswer kubelet_get(const KubeletHttpOptions& options, const std::string& path) {
  HttpGetRequest request;
  request.url = options.url + path;
  request.ca_file = options.ca_file;
  request.insecure_skip_verify = options.insecure_skip_verify;
  request.timeout = options.timeout;
  request.max_bytes = options.max_bytes;
  std::string token = read_token(options.token_file);
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  HttpGetAnswer answer = http_get(request);
  if (!answer.error_code.empty()) return {"", std::move(answer.error_code), std::move(answer.error)};
  if (answer.status != 200) {
    int status = answer.status;
    std::string hint = status == 401 || status == 403 ? " (service-account token and RBAC: nodes/stats, nodes/proxy)" : "";
    return {"", "http_" + std::to_string(status), request.url + ": HTTP " + std::to_string(status) + hint};
  }
  return {std::move(answer.body), "", ""};
}

}  // namespace ainode
