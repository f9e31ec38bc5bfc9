#pragma once
// GET on the kubelet's HTTPS API (port 10250) as a pod's service account:
// bearer token from the projected token file, re-read for every request
// because it rotates; the server verified against the given CA unless
// told otherwise; a deadline and a size limit on every answer (http/http_get.hpp).
#include <chrono>
#include <cstddef>
#include <string>

namespace ainode {

struct KubeletHttpOptions {
  std::string url;  // "https://10.0.0.5:10250"
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  bool insecure_skip_verify = false;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_bytes = 64 * 1024 * 1024;
};

struct KubeletHttpAnswer {
  std::string body;
  // "" on a 200; otherwise a short code for counting ("http_401", "timeout",
  // "connect", "tls", "too_large", "url", "protocol") and a message for people.
  std::string error_code;
  std::string error;
};

KubeletHttpAnswer kubelet_get(const KubeletHttpOptions& options, const std::string& path);

}  // namespace ainode
