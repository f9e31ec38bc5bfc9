#include "config/app_toml.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config/settings.hpp"

namespace ainode {
namespace {

std::vector<Setting> settings() { return make_settings({}); }

std::string write_file(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() /
              ("ainode-app-" + name + "-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << content;
  return path.string();
}

std::string load_error(const std::string& toml, FlagValues flags = {}) {
  try {
    load_config(settings(), write_file("error", toml), {}, flags);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(AppSettings, EndpointsAreUrlsOrTablesWithPodOrGpus) {
  auto loaded = load_config(settings(), write_file("ok", R"([app]
window = "1m"
timeout = "500ms"
endpoints = [
  "http://127.0.0.1:8000/metrics",
  { url = "http://10.1.2.3:8000/metrics", pod = "ml/vllm-0" },
  { url = "https://10.1.2.4:8080/metrics", gpus = ["2", "GPU-8f"] },
]
)"), {}, {});
  const auto& app = loaded.config.app;
  EXPECT_EQ(app.window, std::chrono::minutes(1));
  EXPECT_EQ(app.timeout, std::chrono::milliseconds(500));
  ASSERT_EQ(app.endpoints.size(), 3u);
  EXPECT_EQ(app.endpoints[0].url, "http://127.0.0.1:8000/metrics");
  EXPECT_TRUE(app.endpoints[0].pod.empty());
  EXPECT_EQ(app.endpoints[1].namespace_name, "ml");
  EXPECT_EQ(app.endpoints[1].pod, "vllm-0");
  EXPECT_EQ(app.endpoints[2].gpus, (std::vector<std::string>{"2", "GPU-8f"}));
  EXPECT_EQ(loaded.origins.at("app.endpoints").source, ValueSource::file);
  EXPECT_EQ(app.max_body_bytes, 16 * 1024 * 1024);  // the default
}

TEST(AppSettings, ArrayOfTablesSpelling) {
  auto loaded = load_config(settings(), write_file("tables", R"([[app.endpoints]]
url = "http://a:8000/metrics"
pod = "default/tgi"
)"), {}, {});
  ASSERT_EQ(loaded.config.app.endpoints.size(), 1u);
  EXPECT_EQ(loaded.config.app.endpoints[0].pod, "tgi");
}

TEST(AppSettings, ErrorsNameFileLineAndKey) {
  EXPECT_NE(load_error("[app]\nendpoints = [\n  { url = \"http://a/m\", bogus = 1 },\n]\n")
                .find(":3: app.endpoints: unknown key bogus"),
            std::string::npos);
  EXPECT_NE(load_error("[app]\nendpoints = [{ url = \"http://a/m\", pod = \"nonamespace\" }]\n")
                .find("expected \"namespace/name\""),
            std::string::npos);
  EXPECT_NE(load_error("[app]\nendpoints = [{ url = \"http://a/m\", pod = \"a/b\", gpus = [\"0\"] }]\n")
                .find("exclusive"),
            std::string::npos);
  EXPECT_NE(load_error("[app]\nendpoints = [\"http://a/m\", \"http://a/m\"]\n").find("given twice"), std::string::npos);
  EXPECT_NE(load_error("[app]\nendpoints = [\"a:8000\"]\n").find("invalid URL 'a:8000'"), std::string::npos);
  EXPECT_NE(load_error("[app]\nendpoints = [{ url = \"http://a/m\", gpus = [0] }]\n").find("gpus: expected a string"),
            std::string::npos);
  EXPECT_NE(load_error("[app]\nendpoints = [7]\n").find("expected a URL string or a table"), std::string::npos);
}

TEST(AppSettings, FlagFormIsCommaSeparatedUrls) {
  auto loaded = load_config(settings(), write_file("flag", ""), {},
                            {{"app.endpoints", "http://a:8000/metrics, http://b:9000/metrics"}});
  ASSERT_EQ(loaded.config.app.endpoints.size(), 2u);
  EXPECT_EQ(loaded.config.app.endpoints[1].url, "http://b:9000/metrics");
  EXPECT_NE(load_error("", {{"app.endpoints", "http://a/m,ftp://b"}}).find("invalid URL 'ftp://b'"), std::string::npos);
  EXPECT_NE(load_error("", {{"app.window", "1s"}}).find("out of range"), std::string::npos);
}

}  // namespace
}  // namespace ainode
