#pragma once
// The kubelet's /stats/summary (Summary API, stats/v1alpha1), the parts
// ainode exports: the node's filesystem behind ephemeral storage and each
// pod's ephemeral storage use. Pure: JSON text in, values out.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

struct FilesystemUsage {
  std::optional<double> capacity_bytes, available_bytes, used_bytes;
};

struct PodEphemeralStorage {
  std::string namespace_name, pod, uid;
  double used_bytes = 0;
};

struct KubeletSummary {
  std::string node_name;
  FilesystemUsage node_fs;      // "node.fs": where emptyDir, logs and writable layers live by default
  FilesystemUsage image_fs;     // "node.runtime.imageFs"
  std::vector<PodEphemeralStorage> pods;  // pods that report "ephemeral-storage"
};

// Throws ParseError when the text is not JSON or not an object; missing
// fields are simply absent.
KubeletSummary parse_kubelet_summary(std::string_view json_text);

}  // namespace ainode
