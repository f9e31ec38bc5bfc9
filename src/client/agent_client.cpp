#include "client/agent_client.hpp"

#include <fstream>
#include <mutex>
#include <stdexcept>

#include "control/token_file.hpp"
#include "dynlib/curl_api.hpp"

namespace ainode {

namespace {

std::string read_first_line(const std::string& path, const char* what) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::runtime_error(std::string(what) + " " + path + ": cannot be read");
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct StreamTarget {
  const std::function<bool(std::string_view)>* on_bytes;
  const std::function<bool()>* keep_going;
};

int check_keep_going(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* target = static_cast<StreamTarget*>(user);
  return (*target->keep_going)() ? 0 : 1;  // non-zero aborts the transfer
}

std::size_t deliver_chunk(char* data, std::size_t size, std::size_t count, void* user) {
  auto* target = static_cast<StreamTarget*>(user);
  return (*target->on_bytes)(std::string_view(data, size * count)) ? size * count : 0;
}

}  // namespace

std::string url_escape(std::string_view text) {
  // RFC 3986 unreserved characters stay; every other byte is %XX.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string HttpResult::describe() const {
  if (!error.empty()) return error;
  std::string first_line = body.substr(0, body.find('\n'));
  return "HTTP " + std::to_string(status) + (first_line.empty() ? "" : ": " + first_line);
}

AgentClient::AgentClient(const AgentClientOptions& options)
    : base_(options.url), ca_file_(options.ca_file), insecure_(options.insecure) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  if (!options.token_file.empty()) token_ = read_token_file(options.token_file);
  if (!options.basic_auth_user.empty()) {
    std::string password = options.basic_auth_password_file.empty()
                               ? std::string()
                               : read_first_line(options.basic_auth_password_file, "basic auth password file");
    user_password_ = options.basic_auth_user + ":" + password;
  }
  std::string load_error;
  api_ = curl_api(load_error);
  if (!api_) throw std::runtime_error(load_error);
  curl_ = api_->easy_init();
  if (!curl_) throw std::runtime_error("libcurl: cannot create a handle");
}

AgentClient::~AgentClient() {
  api_->slist_free_all(static_cast<curl_slist*>(header_list_));
  api_->easy_cleanup(static_cast<CURL*>(curl_));
}

void* AgentClient::prepared(std::string_view path, std::vector<std::string> headers) {
  CURL* curl = static_cast<CURL*>(curl_);
  // Reset clears the options but keeps the connection cache: keep-alive.
  api_->easy_reset(curl);
  api_->slist_free_all(static_cast<curl_slist*>(header_list_));
  header_list_ = nullptr;
  if (!token_.empty()) headers.push_back("Authorization: Bearer " + token_);
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = api_->slist_append(list, header.c_str());
  header_list_ = list;
  std::string url = base_ + std::string(path);
  api_->easy_setopt(curl, CURLOPT_URL, url.c_str());
  api_->easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  api_->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  api_->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api_->easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip when the agent offers it (/metrics)
  if (!user_password_.empty()) {
    api_->easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    api_->easy_setopt(curl, CURLOPT_USERPWD, user_password_.c_str());
  }
  if (!ca_file_.empty()) api_->easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  if (insecure_) {
    api_->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    api_->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return curl;
}

HttpResult AgentClient::perform(std::string_view path, const std::string* post_body, std::chrono::milliseconds timeout) {
  std::vector<std::string> headers;
  if (post_body) headers.emplace_back("Content-Type: application/json");
  CURL* curl = static_cast<CURL*>(prepared(path, std::move(headers)));
  HttpResult result;
  api_->easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  api_->easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  api_->easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  if (post_body) {
    api_->easy_setopt(curl, CURLOPT_POST, 1L);
    api_->easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    api_->easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  CURLcode code = api_->easy_perform(curl);
  api_->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  if (code != CURLE_OK) result.error = api_->easy_strerror(code);
  return result;
}

HttpResult AgentClient::get(std::string_view path, std::chrono::milliseconds timeout) {
  return perform(path, nullptr, timeout);
}

HttpResult AgentClient::post(std::string_view path, const std::string& body, std::chrono::milliseconds timeout) {
  return perform(path, &body, timeout);
}

HttpResult AgentClient::stream(std::string_view path, const std::vector<std::string>& headers,
                               const std::function<bool(std::string_view)>& on_bytes, std::chrono::seconds silent_limit,
                               const std::function<bool()>& keep_going) {
  CURL* curl = static_cast<CURL*>(prepared(path, headers));
  HttpResult result;
  StreamTarget target{&on_bytes, &keep_going};
  if (keep_going) {
    api_->easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_keep_going);
    api_->easy_setopt(curl, CURLOPT_XFERINFODATA, &target);
    api_->easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  api_->easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  api_->easy_setopt(curl, CURLOPT_WRITEFUNCTION, deliver_chunk);
  api_->easy_setopt(curl, CURLOPT_WRITEDATA, &target);
  api_->easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api_->easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(silent_limit.count()));
  CURLcode code = api_->easy_perform(curl);
  api_->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  if (code != CURLE_OK && code != CURLE_WRITE_ERROR && code != CURLE_ABORTED_BY_CALLBACK) result.error = api_->easy_strerror(code);
  return result;
}

}  // namespace ainode
