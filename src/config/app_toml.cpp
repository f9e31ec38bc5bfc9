#include "config/app_toml.hpp"

#include <set>

#include "config/remote_write_toml.hpp"
#include "config/settings.hpp"
#include "config/toml_node_reader.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {

struct AppEndpointReader : TomlNodeReader {
  AppEndpoint read(const toml::node& node) const {
    AppEndpoint endpoint;
    if (node.is_string()) {
      endpoint.url = *node.value<std::string>();
    } else if (const toml::table* table = node.as_table()) {
      for (const auto& [name, value] : *table) {
        std::string_view key = name.str();
        if (key == "url") {
          endpoint.url = string_of(value, key);
        } else if (key == "pod") {
          std::string pod = string_of(value, key);
          auto slash = pod.find('/');
          if (slash == std::string::npos || slash == 0 || slash + 1 == pod.size()) {
            fail(value, "pod: expected \"namespace/name\", got '" + pod + "'");
          }
          endpoint.namespace_name = pod.substr(0, slash);
          endpoint.pod = pod.substr(slash + 1);
        } else if (key == "gpus") {
          const toml::array* gpus = value.as_array();
          if (gpus == nullptr) fail(value, "gpus: expected an array of GPU indices or UUIDs (strings)");
          for (const auto& gpu : *gpus) endpoint.gpus.push_back(string_of(gpu, "gpus"));
        } else {
          fail(value, "unknown key " + std::string(key));
        }
      }
    } else {
      fail(node, "expected a URL string or a table with url, pod, gpus");
    }
    if (auto error = validate_remote_write_url(endpoint.url)) fail(node, *error);
    if (!endpoint.pod.empty() && !endpoint.gpus.empty()) fail(node, "pod and gpus are exclusive");
    return endpoint;
  }
};

}  // namespace

std::vector<AppEndpoint> parse_app_endpoints(const toml::array& array, const std::string& file) {
  AppEndpointReader reader{{file, "app.endpoints"}};
  std::vector<AppEndpoint> endpoints;
  std::set<std::string> urls;
  for (const auto& node : array) {
    auto endpoint = reader.read(node);
    // The URL names the endpoint's series: two entries with one URL would collide.
    if (!urls.insert(endpoint.url).second) reader.fail(node, "URL " + endpoint.url + " given twice");
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

std::optional<std::string> parse_app_endpoint_list(std::string_view list, std::vector<AppEndpoint>& out) {
  std::vector<AppEndpoint> endpoints;
  std::set<std::string> urls;
  for (const auto& url : text::split_list(list)) {
    if (auto error = validate_remote_write_url(url)) return error;
    if (!urls.insert(url).second) return "URL " + url + " given twice";
    AppEndpoint endpoint;
    endpoint.url = url;
    endpoints.push_back(std::move(endpoint));
  }
  out = std::move(endpoints);
  return std::nullopt;
}

}  // namespace ainode
