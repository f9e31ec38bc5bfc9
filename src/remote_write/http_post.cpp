#include "remote_write/http_post.hpp"

#include <fstream>
#include <sstream>

#include "ainode/build_info.hpp"
#include "core/text.hpp"
#include "dynlib/curl_api.hpp"

namespace ainode {

namespace {

constexpr std::size_t kMaxAnswerBytes = 4096;  // an error message, not a payload

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  std::size_t bytes = size * count;
  if (body->size() < kMaxAnswerBytes) body->append(data, std::min(bytes, kMaxAnswerBytes - body->size()));
  return bytes;
}

std::size_t keep_retry_after(char* data, std::size_t size, std::size_t count, void* user) {
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string lower(line.substr(0, kName.size()));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == kName) *static_cast<std::string*>(user) = std::string(text::trim(line.substr(kName.size())));
  }
  return size * count;
}

int abort_when_cancelled(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

std::string read_secret(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return std::string(text::trim(content.str()));
}

}  // namespace

PostResult post_write_request(const RemoteWriteEndpoint& endpoint, const std::string& compressed_body,
                              std::chrono::milliseconds timeout, const std::atomic<bool>& cancel) {
  PostResult result;
  const CurlApi* api = curl_api(result.error);
  if (api == nullptr) return result;
  CurlHandle curl = make_curl_handle(*api);
  if (!curl) {
    result.error = "cannot create a libcurl handle";
    return result;
  }
  CURL* c = curl.get();
  api->easy_setopt(c, CURLOPT_URL, endpoint.url.c_str());
  api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  api->easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  api->easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled);
  api->easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&cancel));
  api->easy_setopt(c, CURLOPT_POST, 1L);
  api->easy_setopt(c, CURLOPT_POSTFIELDS, compressed_body.data());
  api->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(compressed_body.size()));
  api->easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
  api->easy_setopt(c, CURLOPT_WRITEDATA, &result.body);
  api->easy_setopt(c, CURLOPT_HEADERFUNCTION, keep_retry_after);
  api->easy_setopt(c, CURLOPT_HEADERDATA, &result.retry_after);
  std::string user_agent = std::string("ainode/") + build::version;
  api->easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
  if (!endpoint.tls_ca_file.empty()) api->easy_setopt(c, CURLOPT_CAINFO, endpoint.tls_ca_file.c_str());
  if (!endpoint.tls_cert_file.empty()) api->easy_setopt(c, CURLOPT_SSLCERT, endpoint.tls_cert_file.c_str());
  if (!endpoint.tls_key_file.empty()) api->easy_setopt(c, CURLOPT_SSLKEY, endpoint.tls_key_file.c_str());
  if (endpoint.tls_insecure_skip_verify) {
    api->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    api->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  std::string password = endpoint.basic_auth_password_file.empty() ? endpoint.basic_auth_password
                                                                   : read_secret(endpoint.basic_auth_password_file);
  if (!endpoint.basic_auth_username.empty()) {
    api->easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    api->easy_setopt(c, CURLOPT_USERNAME, endpoint.basic_auth_username.c_str());
    api->easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  CurlHeaders headers = make_curl_headers(*api);
  auto add_header = [&](const std::string& line) { headers.reset(api->slist_append(headers.release(), line.c_str())); };
  add_header("Content-Encoding: snappy");
  add_header("Content-Type: application/x-protobuf");
  add_header("X-Prometheus-Remote-Write-Version: 0.1.0");
  add_header("Expect:");  // no 100-continue round trip per request
  // Re-read for every request: a rotated token needs no restart.
  if (!endpoint.bearer_token_file.empty()) add_header("Authorization: Bearer " + read_secret(endpoint.bearer_token_file));
  for (const auto& [name, value] : endpoint.headers) add_header(name + ": " + value);
  api->easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  CURLcode code = api->easy_perform(c);
  if (code != CURLE_OK) {
    result.error = api->easy_strerror(code);
    return result;
  }
  api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace ainode
