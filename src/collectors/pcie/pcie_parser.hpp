#pragma once
#include <optional>
#include <string_view>

namespace ainode {

// "16.0 GT/s PCIe" or "8.0 GT/s" -> 16e9 transfers per second; nullopt for
// "Unknown" or garbage.
std::optional<double> parse_pcie_speed(std::string_view text);

// PCI class code ("0x030200") -> "gpu", "nic", "accelerator", or "" for
// device kinds ainode does not watch.
std::string_view pcie_device_kind(std::string_view class_code);

}  // namespace ainode
