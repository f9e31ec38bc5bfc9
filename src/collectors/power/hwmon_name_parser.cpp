#include "collectors/power/hwmon_name_parser.hpp"

#include <cctype>

#include "core/text.hpp"

namespace ainode {

std::optional<HwmonAttribute> parse_hwmon_attribute(std::string_view name) {
  auto underscore = name.find('_');
  if (underscore == std::string_view::npos || underscore == 0) return std::nullopt;
  std::string_view head = name.substr(0, underscore);
  std::string_view item = name.substr(underscore + 1);
  std::size_t digits = head.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(head[digits - 1]))) --digits;
  if (digits == 0 || digits == head.size() || item.empty()) return std::nullopt;
  auto index = text::to_u64(head.substr(digits));
  if (!index || *index > 1000) return std::nullopt;
  return HwmonAttribute{std::string(head.substr(0, digits)), static_cast<unsigned>(*index), std::string(item)};
}

std::string hwmon_chip_id(const std::optional<std::string>& device_link_target, std::string_view driver_name) {
  std::string_view id = driver_name;
  if (device_link_target && !device_link_target->empty()) {
    std::string_view target = *device_link_target;
    while (target.ends_with('/')) target.remove_suffix(1);
    auto slash = target.rfind('/');
    id = slash == std::string_view::npos ? target : target.substr(slash + 1);
  }
  std::string out;
  for (char c : id) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' ? c : '_');
  return out;
}

}  // namespace ainode
