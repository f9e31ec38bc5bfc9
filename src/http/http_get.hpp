#pragma once
// One HTTP/1.1 GET over plain TCP or TLS (Boost.Beast, OpenSSL through
// dynlib/openssl_forwarders.cpp, so libssl is opened only for an https://
// URL): the agent's outbound reads of the kubelet and of model servers.
// One deadline covers connecting, the handshake and the whole answer; the
// body has a size limit; nothing follows redirects or uses a proxy (the
// endpoints are node-local, and an inherited HTTPS_PROXY must not carry a
// service-account token off the node).
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ainode {

struct HttpGetRequest {
  std::string url;  // http://host[:port]/path or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string ca_file;  // https: the CA bundle to verify with; "" = the system's
  bool insecure_skip_verify = false;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_bytes = 64 * 1024 * 1024;
};

struct HttpGetAnswer {
  int status = 0;  // the HTTP status when the answer was read whole
  std::string body;
  // "" when an answer was read (any status); otherwise a short code for
  // counting: "url", "connect", "tls", "timeout", "too_large", "protocol".
  std::string error_code;
  std::string error;  // for people: what failed, with the URL
};

HttpGetAnswer http_get(const HttpGetRequest& request);

}  // namespace ainode
