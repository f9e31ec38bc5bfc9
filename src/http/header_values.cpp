#include "http/header_values.hpp"

#include "core/text.hpp"

namespace ainode {

bool header_lists(std::string_view header, std::string_view value) {
  for (auto entry : text::split(header, ',')) {
    auto parts = text::split(entry, ';');
    if (text::trim(parts[0]) != value) continue;
    bool refused = false;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto parameter = text::trim(parts[i]);
      if (parameter.starts_with("q=")) {
        auto q = text::to_double(parameter.substr(2));
        refused = !q || *q <= 0;
      }
    }
    if (!refused) return true;
  }
  return false;
}

}  // namespace ainode
