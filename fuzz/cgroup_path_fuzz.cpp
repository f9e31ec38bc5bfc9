// libFuzzer target: parse_cgroup_container answers a container or nothing
// for any /proc/<pid>/cgroup text, never crashes or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "k8s/cgroup_path_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ainode::parse_cgroup_container(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
