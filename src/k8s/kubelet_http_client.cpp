#include "k8s/kubelet_http_client.hpp"

#include <fstream>
#include <sstream>

#include "core/text.hpp"
#include "dynlib/curl_api.hpp"

namespace ainode {

namespace {

struct Download {
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
};

std::size_t append(char* data, std::size_t size, std::size_t count, void* user) {
  auto* download = static_cast<Download*>(user);
  std::size_t bytes = size * count;
  if (download->body.size() + bytes > download->limit) {
    download->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  download->body.append(data, bytes);
  return bytes;
}

std::string read_token(const std::string& path) {
  std::ifstream file(path);
  if (!file) return "";
  std::stringstream text;
  text << file.rdbuf();
  return std::string(text::trim(text.str()));
}

std::string code_of(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return "timeout";
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST: return "connect";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM: return "tls";
    default: return "curl";
  }
}

}  // namespace

KubeletHttpAnswer kubelet_get(const KubeletHttpOptions& options, const std::string& path) {
  std::string load_error;
  const CurlApi* api = curl_api(load_error);
  if (api == nullptr) return {"", "curl", "kubelet client: " + load_error};
  CurlHandle curl = make_curl_handle(*api);
  if (!curl) return {"", "curl", "cannot create a libcurl handle"};
  Download download{"", options.max_bytes, false};
  std::string url = options.url + path;
  api->easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  api->easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  api->easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  api->easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
  api->easy_setopt(curl.get(), CURLOPT_WRITEDATA, &download);
  api->easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "https,http");
  if (options.insecure_skip_verify) {
    api->easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 0L);
    api->easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!options.ca_file.empty()) {
    api->easy_setopt(curl.get(), CURLOPT_CAINFO, options.ca_file.c_str());
  }
  CurlHeaders headers = make_curl_headers(*api);
  std::string token = read_token(options.token_file);
  if (!token.empty()) {
    std::string header = "Authorization: Bearer " + token;
    headers.reset(api->slist_append(nullptr, header.c_str()));
    api->easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  }
  CURLcode code = api->easy_perform(curl.get());
  if (download.too_large) {
    return {"", "too_large", "answer of " + url + " exceeds " + std::to_string(options.max_bytes) + " bytes"};
  }
  if (code != CURLE_OK) return {"", code_of(code), url + ": " + api->easy_strerror(code)};
  long status = 0;
  api->easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    std::string hint = status == 401 || status == 403 ? " (service-account token and RBAC: nodes/stats, nodes/proxy)" : "";
    return {"", "http_" + std::to_string(status), url + ": HTTP " + std::to_string(status) + hint};
  }
  return {std::move(download.body), "", ""};
}

}  // namespace ainode
