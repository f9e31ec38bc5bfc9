#include "k8s/kubelet_summary_parser.hpp"

#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace ainode {

namespace {

using json = nlohmann::json;

std::optional<double> number(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return std::nullopt;
  return found->get<double>();
}

std::string string_of(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

const json& member(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  auto found = object.find(key);
  return found == object.end() ? null : *found;
}

FilesystemUsage filesystem(const json& fs) {
  return {number(fs, "capacityBytes"), number(fs, "availableBytes"), number(fs, "usedBytes")};
}

}  // namespace

KubeletSummary parse_kubelet_summary(std::string_view json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw ParseError("kubelet summary: not JSON");
  if (!document.is_object()) throw ParseError("kubelet summary: not a JSON object");
  KubeletSummary summary;
  const json& node = member(document, "node");
  summary.node_name = string_of(node, "nodeName");
  summary.node_fs = filesystem(member(node, "fs"));
  summary.image_fs = filesystem(member(member(node, "runtime"), "imageFs"));
  const json& pods = member(document, "pods");
  if (!pods.is_array()) return summary;
  for (const auto& pod : pods) {
    const json& ref = member(pod, "podRef");
    auto used = number(member(pod, "ephemeral-storage"), "usedBytes");
    if (!used || string_of(ref, "name").empty()) continue;
    summary.pods.push_back({string_of(ref, "namespace"), string_of(ref, "name"), string_of(ref, "uid"), *used});
  }
  return summary;
}

}  // namespace ainode
