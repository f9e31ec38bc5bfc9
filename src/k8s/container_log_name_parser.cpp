#include "k8s/container_log_name_parser.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace ainode {

namespace {

bool is_container_id(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "/var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log" -> uid, when the
// directory agrees with the names already parsed.
std::string pod_uid_from_target(std::string_view target, const ContainerNames& names) {
  auto parts = text::split(target, '/');
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto fields = text::split(parts[i], '_');
    if (fields.size() == 3 && fields[0] == names.namespace_name && fields[1] == names.pod &&
        parts[i + 1] == names.container) {
      return std::string(fields[2]);
    }
  }
  return "";
}

}  // namespace

std::optional<ContainerNames> parse_container_log_name(std::string_view file_name, std::string_view link_target) {
  if (!file_name.ends_with(".log")) return std::nullopt;
  file_name.remove_suffix(4);
  auto fields = text::split(file_name, '_');
  if (fields.size() != 3) return std::nullopt;
  std::string_view last = fields[2];  // "<container>-<id>"
  auto dash = last.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  std::string_view id = last.substr(dash + 1);
  if (fields[0].empty() || fields[1].empty() || !is_container_id(id)) return std::nullopt;
  ContainerNames names{std::string(fields[0]), std::string(fields[1]), std::string(last.substr(0, dash)),
                       std::string(id), ""};
  if (!link_target.empty()) names.pod_uid = pod_uid_from_target(link_target, names);
  return names;
}

}  // namespace ainode
