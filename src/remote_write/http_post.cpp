#include "remote_write/http_post.hpp"

#include <curl/curl.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "ainode/build_info.hpp"
#include "core/text.hpp"

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
  static std::once_flag initialized;
  std::call_once(initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  PostResult result;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    result.error = "cannot create a libcurl handle";
    return result;
  }
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, endpoint.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&cancel));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, compressed_body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(compressed_body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, keep_retry_after);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &result.retry_after);
  std::string user_agent = std::string("ainode/") + build::version;
  curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
  if (!endpoint.tls_ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, endpoint.tls_ca_file.c_str());
  if (!endpoint.tls_cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, endpoint.tls_cert_file.c_str());
  if (!endpoint.tls_key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, endpoint.tls_key_file.c_str());
  if (endpoint.tls_insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  std::string password = endpoint.basic_auth_password_file.empty() ? endpoint.basic_auth_password
                                                                   : read_secret(endpoint.basic_auth_password_file);
  if (!endpoint.basic_auth_username.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, endpoint.basic_auth_username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
  auto add_header = [&](const std::string& line) { headers.reset(curl_slist_append(headers.release(), line.c_str())); };
  add_header("Content-Encoding: snappy");
  add_header("Content-Type: application/x-protobuf");
  add_header("X-Prometheus-Remote-Write-Version: 0.1.0");
  add_header("Expect:");  // no 100-continue round trip per request
  // Re-read for every request: a rotated token needs no restart.
  if (!endpoint.bearer_token_file.empty()) add_header("Authorization: Bearer " + read_secret(endpoint.bearer_token_file));
  for (const auto& [name, value] : endpoint.headers) add_header(name + ": " + value);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    result.error = curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace ainode
