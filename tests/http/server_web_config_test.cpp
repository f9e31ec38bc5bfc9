// The web config (web-config.yml) applied by the server: basic auth,
// response headers, reload. TLS and client certificates are exercised end
// to end, with a real Prometheus, in tests/e2e/web_security.sh.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "http/server.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace std::chrono_literals;

namespace {

// bcrypt of "secret" at cost 4.
constexpr const char* kSecretHash = "$2y$04$dl2p3BmwNC/lVjKUmAk2e.ydaCFwnwOtqkJOKmQ7mBjRR34LSdDRm";

HttpResponse hello(const HttpRequest& request) {
  HttpResponse response;
  response.body = std::make_shared<const std::string>("hello " + request.authorization + "\n");
  return response;
}

struct Reply {
  long status = 0;
  std::string headers;
  std::string body;
};

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

Reply get(std::uint16_t port, const std::string& user_password = "") {
  Reply reply;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  if (!user_password.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERPWD, user_password.c_str());
  }
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_easy_cleanup(curl);
  return reply;
}

struct Server {
  HttpServer server;
  Server() : server(HttpServerOptions{"127.0.0.1:0"}, hello) {}
};

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST(HttpServerWebConfig, BasicAuthRefusesWrongAndMissingCredentialsWith401) {
  ainode::testing::TempTree tree;
  auto file = tree.path() / "web.yml";
  write_file(file, std::string("basic_auth_users:\n  prometheus: ") + kSecretHash + "\n");
  Server s;
  ASSERT_EQ(s.server.set_web_config(file), std::nullopt);
  s.server.start();
  auto missing = get(s.server.port());
  EXPECT_EQ(missing.status, 401);
  EXPECT_NE(missing.headers.find("WWW-Authenticate: Basic"), std::string::npos) << missing.headers;
  EXPECT_EQ(get(s.server.port(), "prometheus:wrong").status, 401);
  EXPECT_EQ(get(s.server.port(), "nobody:secret").status, 401);
  auto good = get(s.server.port(), "prometheus:secret");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(good.body, "hello Basic cHJvbWV0aGV1czpzZWNyZXQ=\n");  // the handler sees the header too
  EXPECT_EQ(get(s.server.port(), "prometheus:secret").status, 200);  // from the cache
  auto status = s.server.web_config_status();
  EXPECT_TRUE(status.basic_auth);
  EXPECT_FALSE(status.tls);
  EXPECT_TRUE(status.reload_success);
}

TEST(HttpServerWebConfig, ConfiguredHeadersGoOnEveryAnswerIncluding401) {
  ainode::testing::TempTree tree;
  auto file = tree.path() / "web.yml";
  write_file(file, std::string("http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
                               "basic_auth_users:\n  prometheus: ") + kSecretHash + "\n");
  Server s;
  ASSERT_EQ(s.server.set_web_config(file), std::nullopt);
  s.server.start();
  EXPECT_NE(get(s.server.port()).headers.find("X-Frame-Options: deny"), std::string::npos);
  EXPECT_NE(get(s.server.port(), "prometheus:secret").headers.find("X-Frame-Options: deny"), std::string::npos);
}

TEST(HttpServerWebConfig, BadReloadKeepsThePreviousConfigAndSaysWhy) {
  ainode::testing::TempTree tree;
  auto file = tree.path() / "web.yml";
  write_file(file, std::string("basic_auth_users:\n  prometheus: ") + kSecretHash + "\n");
  Server s;
  ASSERT_EQ(s.server.set_web_config(file), std::nullopt);
  s.server.start();
  write_file(file, "basic_auth_users:\n  prometheus: plaintext\n");
  auto error = s.server.reload_web_config();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("web.yml:2: basic_auth_users.prometheus: not a bcrypt hash"), std::string::npos) << *error;
  auto status = s.server.web_config_status();
  EXPECT_FALSE(status.reload_success);
  EXPECT_EQ(status.last_error, *error);
  // Still the old users.
  EXPECT_EQ(get(s.server.port()).status, 401);
  EXPECT_EQ(get(s.server.port(), "prometheus:secret").status, 200);
  // A good file again: applied, status clear.
  write_file(file, "");
  EXPECT_EQ(s.server.reload_web_config(), std::nullopt);
  EXPECT_TRUE(s.server.web_config_status().reload_success);
  EXPECT_EQ(get(s.server.port()).status, 200);
}

TEST(HttpServerWebConfig, ABadFileAtStartIsRefusedWithFileLineAndKey) {
  ainode::testing::TempTree tree;
  auto file = tree.path() / "web.yml";
  write_file(file, "tls_server_config:\n  client_auth_type: Whatever\n");
  Server s;
  auto error = s.server.set_web_config(file);
  ASSERT_TRUE(error);
  EXPECT_EQ(*error, file.string() + ":2: tls_server_config.client_auth_type: invalid value 'Whatever' (expected "
                                    "NoClientCert|RequestClientCert|RequireAnyClientCert|VerifyClientCertIfGiven|"
                                    "RequireAndVerifyClientCert)");
}

TEST(HttpServerWebConfig, AChangedFileIsReloadedWithoutBeingAsked) {
  ainode::testing::TempTree tree;
  auto file = tree.path() / "web.yml";
  write_file(file, "");
  Server s;
  ASSERT_EQ(s.server.set_web_config(file), std::nullopt);
  s.server.start();
  EXPECT_EQ(get(s.server.port()).status, 200);
  // A new file renamed into place, as configuration management does.
  auto next = tree.path() / "web.yml.new";
  write_file(next, std::string("basic_auth_users:\n  prometheus: ") + kSecretHash + "\n");
  std::filesystem::rename(next, file);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (get(s.server.port()).status != 401 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(get(s.server.port()).status, 401);
  EXPECT_EQ(get(s.server.port(), "prometheus:secret").status, 200);
}
