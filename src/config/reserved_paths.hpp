#pragma once
// Paths the agent serves itself, which --web.telemetry-path must not take:
// metrics on /healthz would leave the metrics unreachable (the router
// answers the built-in route first). The whole /v1/ prefix is reserved, as
// new JSON routes keep arriving there. app/routes.cpp serves these;
// tests/app/routes_test.cpp checks that every route it serves is listed.
#include <array>
#include <string_view>

namespace ainode {

inline constexpr std::array<std::string_view, 4> kBuiltinRoutePaths = {"/", "/healthz", "/readyz", "/status"};
inline constexpr std::string_view kApiPrefix = "/v1/";

// True when `path` is a built-in route or lies under the API prefix.
bool is_reserved_path(std::string_view path);

}  // namespace ainode
