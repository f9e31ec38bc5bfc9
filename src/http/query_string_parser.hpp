#pragma once
// The query part of a request target, decoded: "a=1&types=x%2Cy" ->
// {{"a","1"},{"types","x,y"}}. Pure, on strings (and fuzzed).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ainode {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// The path before '?', undecoded.
std::string_view target_path(std::string_view target);

// Every key=value of the query, in order, with '+' as space and %XX decoded.
// A key without '=' has an empty value. nullopt for a malformed escape
// (a '%' not followed by two hex digits).
std::optional<QueryParameters> parse_query_string(std::string_view target);

// The first value of `key`, if present.
std::optional<std::string> query_value(const QueryParameters& parameters, std::string_view key);

}  // namespace ainode
