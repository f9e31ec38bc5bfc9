// The web config (web-config.yml) applied by the server: basic auth,
// response headers, reload. TLS and client certificates are exercised end
// to end, with a real Prometheus, in tests/e2e/web_security.sh.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
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

namespace {

// Runs a shell command (openssl making test certificates); true on success.
bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// A CA, a server certificate for 127.0.0.1 and a client certificate, made
// with the openssl CLI in `dir`.
bool make_certificates(const std::filesystem::path& dir) {
  std::string d = dir.string();
  auto key = [&](const std::string& name) {
    return run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + d + "/" + name + ".key");
  };
  auto sign = [&](const std::string& name, const std::string& subject, const std::string& extension) {
    // Written and closed before openssl reads it.
    { std::ofstream(dir / (name + ".ext")) << extension << "\n"; }
    return run("openssl req -new -key " + d + "/" + name + ".key -subj '" + subject + "' -out " + d + "/" + name +
               ".csr") &&
           run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.crt -CAkey " + d +
               "/ca.key -set_serial 7 -days 1 -extfile " + d + "/" + name + ".ext -out " + d + "/" + name + ".crt");
  };
  return key("ca") && run("openssl req -x509 -new -key " + d + "/ca.key -subj '/CN=test CA' -days 1 -out " + d + "/ca.crt") &&
         key("server") && sign("server", "/CN=localhost", "subjectAltName=IP:127.0.0.1") && key("client") &&
         sign("client", "/O=ainode-test/CN=prometheus", "extendedKeyUsage=clientAuth");
}

HttpResponse identity(const HttpRequest& request) {
  HttpResponse response;
  response.body = std::make_shared<const std::string>("subject=" + request.client_cert_subject + " peer=" +
                                                      request.peer_address + "\n");
  return response;
}

Reply get_tls(std::uint16_t port, const std::filesystem::path& dir, bool with_client_cert) {
  Reply reply;
  CURL* curl = curl_easy_init();
  std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  std::string ca = (dir / "ca.crt").string(), cert = (dir / "client.crt").string(), key = (dir / "client.key").string();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  if (with_client_cert) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, cert.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, key.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  CURLcode result = curl_easy_perform(curl);
  if (result == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.headers = curl_easy_strerror(result);  // why, when there was no answer
  curl_easy_cleanup(curl);
  return reply;
}

}  // namespace

// What the control API builds on: the verified client certificate's subject
// and the peer address reach the handler; without a certificate the
// handshake fails and the handler never runs.
TEST(HttpServerWebConfig, VerifiedClientCertificateSubjectReachesTheHandler) {
  ainode::testing::TempTree tree;
  ASSERT_TRUE(make_certificates(tree.path())) << "openssl CLI failed";
  auto file = tree.path() / "web.yml";
  write_file(file, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                   "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");
  HttpServer server(HttpServerOptions{"127.0.0.1:0"}, identity);
  ASSERT_EQ(server.set_web_config(file), std::nullopt);
  server.start();
  auto verified = get_tls(server.port(), tree.path(), true);
  EXPECT_EQ(verified.status, 200) << verified.headers;
  EXPECT_EQ(verified.body, "subject=CN=prometheus,O=ainode-test peer=127.0.0.1\n");
  EXPECT_EQ(get_tls(server.port(), tree.path(), false).status, 0);  // no HTTP answer at all
  EXPECT_GE(server.stats().tls_handshake_errors, 1u);
  EXPECT_TRUE(server.web_config_status().tls);
  EXPECT_EQ(server.web_config_status().client_auth_type, "RequireAndVerifyClientCert");
}

// RequireAnyClientCert takes any certificate, so it proves nothing: no subject.
TEST(HttpServerWebConfig, UnverifiedClientCertificateGivesNoIdentity) {
  ainode::testing::TempTree tree;
  ASSERT_TRUE(make_certificates(tree.path())) << "openssl CLI failed";
  auto file = tree.path() / "web.yml";
  write_file(file, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                   "  client_auth_type: RequireAnyClientCert\n");
  HttpServer server(HttpServerOptions{"127.0.0.1:0"}, identity);
  ASSERT_EQ(server.set_web_config(file), std::nullopt);
  server.start();
  auto reply = get_tls(server.port(), tree.path(), true);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "subject= peer=127.0.0.1\n");
}
