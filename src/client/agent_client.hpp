#pragma once
// The HTTP client side of a running agent's API, shared by the commands that
// talk to one (`ainode events`, `ainode tui`): the base URL, TLS (a private
// CA, or no verification when asked), a bearer token from a file and HTTP
// basic auth as the web config (web-config.yml) demands. One client per
// thread: it keeps its connection open between requests (libcurl handle
// reuse), which is what keeps a 1 s refresh cheap.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

struct CurlApi;

struct AgentClientOptions {
  std::string url = "http://127.0.0.1:9100";
  std::string token_file;          // bearer token, one line
  std::string basic_auth_user;     // web config basic_auth_users
  std::string basic_auth_password_file;
  std::string ca_file;             // for https:// agents with a private CA
  bool insecure = false;           // do not verify an https:// agent's certificate
};

struct HttpResult {
  long status = 0;        // 0 when no HTTP answer came
  std::string body;
  std::string error;      // transport error ("Connection refused"), "" when an answer came
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  // "Connection refused", "HTTP 404: not found", ...
  std::string describe() const;
};

// Percent-encoding for a path segment or a query value ("a b" -> "a%20b").
std::string url_escape(std::string_view text);

class AgentClient {
 public:
  // Throws std::runtime_error naming the file when a token or password file
  // cannot be read, or naming the package when libcurl is missing.
  explicit AgentClient(const AgentClientOptions& options);
  ~AgentClient();
  AgentClient(const AgentClient&) = delete;
  AgentClient& operator=(const AgentClient&) = delete;

  const std::string& base_url() const { return base_; }
  HttpResult get(std::string_view path, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  HttpResult post(std::string_view path, const std::string& body,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // A long-lived GET (text/event-stream): on_bytes gets each chunk and
  // returns false to stop. Returns when the stream ends, fails or is
  // stopped; `silent_limit` without a byte ends it too (a dead peer), and
  // keep_going (asked about once a second, when given) returning false
  // stops it between chunks.
  HttpResult stream(std::string_view path, const std::vector<std::string>& headers,
                    const std::function<bool(std::string_view)>& on_bytes,
                    std::chrono::seconds silent_limit = std::chrono::seconds(40),
                    const std::function<bool()>& keep_going = {});

 private:
  HttpResult perform(std::string_view path, const std::string* post_body, std::chrono::milliseconds timeout);
  void* prepared(std::string_view path, std::vector<std::string> headers);  // a reset CURL handle

  std::string base_;
  std::string token_;
  std::string user_password_;  // "user:password" for basic auth, "" for none
  std::string ca_file_;
  bool insecure_ = false;
  const CurlApi* api_ = nullptr;  // libcurl, opened at run time (dynlib/curl_api.hpp)
  void* curl_ = nullptr;        // CURL*, reused for keep-alive
  void* header_list_ = nullptr; // curl_slist* of the request in flight
};

}  // namespace ainode
