#pragma once
// remote_write receivers from TOML: the one configuration key that repeats,
// so it does not fit the scalar settings table (settings.hpp).
//
//   [[remote_write.url]]
//   url = "https://mimir.example/api/v1/push"
//   bearer_token_file = "/etc/ainode/token"
//   basic_auth = { username = "u", password_file = "/etc/ainode/pw" }
//   headers = { "X-Scope-OrgID" = "fleet" }
//   tls = { ca_file = "...", cert_file = "...", key_file = "...", insecure_skip_verify = false }
//   external_labels = { cluster = "a", node = "gpu-01" }
//
// or simply `remote_write.url = ["http://a/api/v1/write", "http://b/..."]`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/config.hpp"

namespace ainode {

// Throws ConfigError naming the file, line and key on the first problem.
std::vector<RemoteWriteEndpoint> parse_remote_write_endpoints(const toml::array& array, const std::string& file);

// An error message when `url` is not an http:// or https:// URL.
std::optional<std::string> validate_remote_write_url(std::string_view url);

}  // namespace ainode
