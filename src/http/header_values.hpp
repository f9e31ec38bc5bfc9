#pragma once
#include <string_view>

namespace ainode {

// Whether a comma-separated HTTP preference list (Accept, Accept-Encoding)
// lists `value` (compared before any ';' parameters) without refusing it
// with q=0.
bool header_lists(std::string_view header, std::string_view value);

}  // namespace ainode
