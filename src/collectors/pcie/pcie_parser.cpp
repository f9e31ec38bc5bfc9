#include "collectors/pcie/pcie_parser.hpp"

#include "core/text.hpp"

namespace ainode {

std::optional<double> parse_pcie_speed(std::string_view text) {
  auto fields = text::fields(text::trim(text));
  if (fields.size() < 2 || fields[1] != "GT/s") return std::nullopt;
  auto gigatransfers = text::to_double(fields[0]);
  if (!gigatransfers || *gigatransfers <= 0) return std::nullopt;
  return *gigatransfers * 1e9;
}

std::string_view pcie_device_kind(std::string_view class_code) {
  class_code = text::trim(class_code);
  if (class_code.starts_with("0x")) class_code.remove_prefix(2);
  if (class_code.size() != 6) return "";
  std::string_view base = class_code.substr(0, 2);
  if (base == "03") return "gpu";          // display controller: VGA, 3D
  if (base == "02") return "nic";          // network: Ethernet, InfiniBand
  if (base == "12") return "accelerator";  // processing accelerator
  return "";
}

}  // namespace ainode
