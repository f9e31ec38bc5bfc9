#include "app/pod_event_drafts.hpp"

#include <algorithm>
#include <optional>

#include "collectors/gpu/gpu_allocation_metrics.hpp"
#include "core/text.hpp"

namespace ainode {

namespace {

std::optional<std::size_t> label_index(const MetricDesc& desc, std::string_view label) {
  auto found = std::find(desc.labels.begin(), desc.labels.end(), label);
  if (found == desc.labels.end()) return std::nullopt;
  return static_cast<std::size_t>(found - desc.labels.begin());
}

Severity severity_of(const std::string& type) {
  if (type == kContainerRestarted || type == kContainerOomKilled || type == kPodEvicted) return Severity::warning;
  return Severity::info;
}

std::string message_of(const PodEvent& event) {
  std::string pod = event.namespace_name + "/" + event.pod;
  std::string ended;
  if (!event.reason.empty()) ended = event.reason;
  if (event.exit_code) ended += (ended.empty() ? "" : ", ") + std::string("exit code ") + std::to_string(*event.exit_code);
  std::string why = ended.empty() ? "" : " (" + ended + ")";
  std::string restarts = event.restart_count ? "; restarts: " + std::to_string(*event.restart_count) : "";
  if (event.type == kPodStarted) return pod + " started";
  if (event.type == kPodDeleted) return pod + " deleted" + why;
  if (event.type == kContainerRestarted) return pod + ": container " + event.container + " restarted" + why + restarts;
  if (event.type == kContainerOomKilled) return pod + ": container " + event.container + " was OOM-killed" + restarts;
  if (event.type == kPodEvicted) return pod + " evicted" + why + (event.message.empty() ? "" : ": " + event.message);
  return pod + " rescheduled, replacing " + event.namespace_name + "/" + event.previous_pod;
}

}  // namespace

GpusByPod gpus_by_pod(std::span<const Family> families) {
  GpusByPod out;
  const MetricDesc& desc = gpu_allocation_info_descriptor();
  auto gpu = label_index(desc, "gpu"), uuid = label_index(desc, "uuid");
  auto namespace_name = label_index(desc, "namespace"), pod = label_index(desc, "pod");
  for (const Family& family : families) {
    if (family.desc == nullptr || family.desc->name != desc.name) continue;
    for (const Sample& sample : family.samples) {
      auto index = text::to_u64(sample.label_values[*gpu]);
      if (!index) continue;
      auto& held = out[{std::string(sample.label_values[*namespace_name]), std::string(sample.label_values[*pod])}];
      HeldGpu entry{static_cast<unsigned>(*index), std::string(sample.label_values[*uuid])};
      if (std::find(held.begin(), held.end(), entry) == held.end()) held.push_back(entry);
    }
  }
  for (auto& [pod_key, held] : out) {
    std::sort(held.begin(), held.end(), [](const HeldGpu& a, const HeldGpu& b) { return a.index < b.index; });
  }
  return out;
}

EventDraft pod_event_draft(const PodEvent& event, const std::vector<HeldGpu>& gpus) {
  EventDraft draft;
  draft.type = event.type;
  draft.severity = severity_of(event.type);
  draft.subject.namespace_name = event.namespace_name;
  draft.subject.pod = event.pod;
  draft.subject.container = event.container;
  if (gpus.size() == 1) {  // the subject names one GPU; the payload lists them all
    draft.subject.gpu = gpus.front().index;
    draft.subject.uuid = gpus.front().uuid;
  }
  draft.message = message_of(event);
  nlohmann::json& payload = draft.payload;
  payload["namespace"] = event.namespace_name;
  payload["pod"] = event.pod;
  payload["uid"] = event.uid;
  if (!event.phase.empty()) payload["phase"] = event.phase;
  if (!event.container.empty()) payload["container"] = event.container;
  if (!event.reason.empty()) payload["reason"] = event.reason;
  if (!event.message.empty()) payload["message"] = event.message;
  if (event.exit_code) payload["exit_code"] = *event.exit_code;
  if (event.restart_count) payload["restart_count"] = *event.restart_count;
  if (!gpus.empty()) {
    payload["gpus"] = nlohmann::json::array();
    for (const HeldGpu& gpu : gpus) payload["gpus"].push_back(gpu.uuid);
  }
  if (event.owner) payload["owner"] = {{"kind", event.owner->kind}, {"name", event.owner->name}};
  if (!event.previous_pod.empty()) payload["previous_pod"] = event.previous_pod;
  if (!event.previous_pod_uid.empty()) payload["previous_pod_uid"] = event.previous_pod_uid;
  return draft;
}

}  // namespace ainode
