#include "config/reserved_paths.hpp"

#include <algorithm>

namespace ainode {

bool is_reserved_path(std::string_view path) {
  if (path.starts_with(kApiPrefix) || path == kApiPrefix.substr(0, kApiPrefix.size() - 1)) return true;
  return std::find(kBuiltinRoutePaths.begin(), kBuiltinRoutePaths.end(), path) != kBuiltinRoutePaths.end();
}

}  // namespace ainode
