#include "client/agent_client.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "http/server.hpp"

using namespace ainode;

namespace {

// The agent's own HTTP server, answering what the requests carried.
class EchoServer {
 public:
  EchoServer() : server(options(), [this](const HttpRequest& request) { return answer(request); }) { server.start(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
  HttpRequest last() {
    std::lock_guard lock(mutex);
    return seen;
  }

 private:
  static HttpServerOptions options() {
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    return o;
  }
  HttpResponse answer(const HttpRequest& request) {
    {
      std::lock_guard lock(mutex);
      seen = request;
    }
    HttpResponse response;
    if (request.target == "/missing") {
      response.status = 404;
      response.body = std::make_shared<const std::string>("not found\n");
      return response;
    }
    response.content_type = "application/json";
    response.body = std::make_shared<const std::string>("{\"method\":\"" + request.method + "\"}");
    return response;
  }

  std::mutex mutex;
  HttpRequest seen;
  HttpServer server;
};

std::string write_file(const std::string& name, const std::string& text) {
  auto path = (std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()))).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST(AgentClient, GetsAndPostsWithTheBearerToken) {
  EchoServer server;
  AgentClientOptions options;
  options.url = server.url() + "/";  // a trailing slash is not doubled
  options.token_file = write_file("token", "0123456789abcdef0123\n");
  AgentClient client(options);
  HttpResult got = client.get("/v1/status");
  EXPECT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.body, "{\"method\":\"GET\"}");
  EXPECT_EQ(server.last().target, "/v1/status");
  EXPECT_EQ(server.last().authorization, "Bearer 0123456789abcdef0123");
  HttpResult posted = client.post("/v1/control/diagnose", "{\"x\":1}");
  EXPECT_TRUE(posted.ok());
  EXPECT_EQ(server.last().method, "POST");
  EXPECT_EQ(server.last().body, "{\"x\":1}");
  std::filesystem::remove(options.token_file);
}

TEST(AgentClient, SendsBasicAuthFromThePasswordFile) {
  EchoServer server;
  AgentClientOptions options;
  options.url = server.url();
  options.basic_auth_user = "ops";
  options.basic_auth_password_file = write_file("password", "pa55\n");
  AgentClient client(options);
  ASSERT_TRUE(client.get("/").ok());
  EXPECT_EQ(server.last().authorization, "Basic b3BzOnBhNTU=");  // base64("ops:pa55")
  std::filesystem::remove(options.basic_auth_password_file);
}

TEST(AgentClient, DescribesWhatWentWrong) {
  EchoServer server;
  AgentClientOptions options;
  options.url = server.url();
  AgentClient client(options);
  HttpResult missing = client.get("/missing");
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.describe(), "HTTP 404: not found");

  AgentClientOptions nowhere;
  nowhere.url = "http://127.0.0.1:1";
  AgentClient lost(nowhere);
  HttpResult refused = lost.get("/v1/status", std::chrono::seconds(2));
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.status, 0);
  EXPECT_FALSE(refused.error.empty());
}

TEST(AgentClient, AnUnreadableTokenFileIsNamed) {
  AgentClientOptions options;
  options.token_file = "/nonexistent/token";
  try {
    AgentClient client(options);
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/token"), std::string::npos) << error.what();
  }
}

TEST(AgentClient, EscapesPathSegments) {
  EXPECT_EQ(url_escape("inference cap/1"), "inference%20cap%2F1");
  EXPECT_EQ(url_escape("plain-name_1.0"), "plain-name_1.0");
}
