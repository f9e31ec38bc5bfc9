#pragma once
// The app collector's model-server endpoints from TOML (docs/model-efficiency.md):
// an array, so it does not fit the scalar settings table (settings.hpp).
//
//   [app]
//   endpoints = [
//     "http://127.0.0.1:8000/metrics",                                   # energy: node power
//     { url = "http://10.1.2.3:8000/metrics", pod = "ml/vllm-0" },        # the pod's GPUs
//     { url = "http://127.0.0.1:8080/metrics", gpus = ["2", "GPU-8f.."] } # these GPUs
//   ]
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/config.hpp"

namespace ainode {

// Throws ConfigError naming the file, line and key on the first problem.
std::vector<AppEndpoint> parse_app_endpoints(const toml::array& array, const std::string& file);

// The comma-separated flag and environment form: URLs only (energy from node power).
// An error message names the first bad URL.
std::optional<std::string> parse_app_endpoint_list(std::string_view list, std::vector<AppEndpoint>& out);

}  // namespace ainode
