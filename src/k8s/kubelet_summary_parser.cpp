#include "k8s/kubelet_summary_parser.hpp"

#include "core/text.hpp"
#include "k8s/kubelet_json.hpp"

namespace ainode {

namespace {

using json = nlohmann::json;
using kubelet_json::member;
using kubelet_json::number;
using kubelet_json::string_of;

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
