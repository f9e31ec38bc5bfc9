// libFuzzer target: parse_kubelet_pods returns or throws ParseError on any
// text, never crashes, hangs or reads out of bounds; only ainode.io/
// annotations are kept. Seeded with tests/fixtures/kubelet (pods.json and
// pods_model_servers.json: pod IPs and model-server annotations).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text.hpp"
#include "k8s/kubelet_pods_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    for (const auto& pod : ainode::parse_kubelet_pods(std::string_view(reinterpret_cast<const char*>(data), size))) {
      for (const auto& [key, value] : pod.annotations) {
        if (!key.starts_with(ainode::kAinodeAnnotationPrefix)) __builtin_trap();
        (void)value.size();
      }
      (void)pod.pod_ip.size();
      for (const auto& container : pod.containers) {
        if (container.terminated) (void)container.terminated->identity();
        if (container.last_terminated) (void)container.last_terminated->identity();
      }
    }
  } catch (const ainode::ParseError&) {
  }
  return 0;
}
