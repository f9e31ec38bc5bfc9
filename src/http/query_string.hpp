#pragma once
// application/x-www-form-urlencoded query strings ("a=1&b=x%20y"), in order.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ainode {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// The part of a request target after '?', decoded ('+' is a space, %XX a
// byte). nullopt on a malformed escape.
std::optional<QueryParameters> parse_query_string(std::string_view target);

}  // namespace ainode
