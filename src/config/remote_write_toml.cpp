#include "config/remote_write_toml.hpp"

#include <set>

#include "config/settings.hpp"
#include "config/toml_node_reader.hpp"

namespace ainode {

namespace {

struct EndpointReader : TomlNodeReader {
  const toml::table& table_of(const toml::node& node, std::string_view key) const {
    if (!node.is_table()) fail(node, std::string(key) + ": expected a table");
    return *node.as_table();
  }

  std::map<std::string, std::string> string_map(const toml::node& node, std::string_view key) const {
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : table_of(node, key)) {
      out[std::string(name.str())] = string_of(value, std::string(key) + "." + std::string(name.str()));
    }
    return out;
  }

  RemoteWriteEndpoint read(const toml::node& node) const {
    RemoteWriteEndpoint endpoint;
    if (node.is_string()) {
      endpoint.url = *node.value<std::string>();
    } else {
      for (const auto& [name, value] : table_of(node, "entry")) {
        std::string_view key = name.str();
        if (key == "url") {
          endpoint.url = string_of(value, key);
        } else if (key == "bearer_token_file") {
          endpoint.bearer_token_file = string_of(value, key);
        } else if (key == "headers") {
          endpoint.headers = string_map(value, key);
        } else if (key == "external_labels") {
          endpoint.external_labels = string_map(value, key);
        } else if (key == "basic_auth") {
          for (const auto& [field, setting] : table_of(value, key)) {
            std::string_view f = field.str();
            if (f == "username") endpoint.basic_auth_username = string_of(setting, "basic_auth.username");
            else if (f == "password") endpoint.basic_auth_password = string_of(setting, "basic_auth.password");
            else if (f == "password_file") endpoint.basic_auth_password_file = string_of(setting, "basic_auth.password_file");
            else fail(setting, "unknown key basic_auth." + std::string(f));
          }
        } else if (key == "tls") {
          for (const auto& [field, setting] : table_of(value, key)) {
            std::string_view f = field.str();
            if (f == "ca_file") endpoint.tls_ca_file = string_of(setting, "tls.ca_file");
            else if (f == "cert_file") endpoint.tls_cert_file = string_of(setting, "tls.cert_file");
            else if (f == "key_file") endpoint.tls_key_file = string_of(setting, "tls.key_file");
            else if (f == "insecure_skip_verify") endpoint.tls_insecure_skip_verify = bool_of(setting, "tls.insecure_skip_verify");
            else fail(setting, "unknown key tls." + std::string(f));
          }
        } else {
          fail(value, "unknown key " + std::string(key));
        }
      }
    }
    if (auto error = validate_remote_write_url(endpoint.url)) fail(node, *error);
    if (endpoint.tls_cert_file.empty() != endpoint.tls_key_file.empty()) {
      fail(node, "tls.cert_file and tls.key_file go together");
    }
    if (!endpoint.basic_auth_password.empty() && !endpoint.basic_auth_password_file.empty()) {
      fail(node, "basic_auth.password and basic_auth.password_file are exclusive");
    }
    for (const auto& [name, value] : endpoint.external_labels) {
      if (name.empty() || name.starts_with("__") || value.empty()) {
        fail(node, "external_labels: empty or reserved label '" + name + "'");
      }
    }
    return endpoint;
  }
};

}  // namespace

std::optional<std::string> validate_remote_write_url(std::string_view url) {
  bool scheme = url.starts_with("http://") || url.starts_with("https://");
  if (scheme && url.size() > url.find("://") + 3) return std::nullopt;
  return "invalid URL '" + std::string(url) + "' (expected http://host[:port]/path or https://...)";
}

std::vector<RemoteWriteEndpoint> parse_remote_write_endpoints(const toml::array& array, const std::string& file) {
  EndpointReader reader{{file, "remote_write.url"}};
  std::vector<RemoteWriteEndpoint> endpoints;
  std::set<std::string> urls;
  for (const auto& node : array) {
    auto endpoint = reader.read(node);
    // Two entries with one URL would share a send position (keyed by URL).
    if (!urls.insert(endpoint.url).second) reader.fail(node, "URL " + endpoint.url + " given twice");
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

}  // namespace ainode
