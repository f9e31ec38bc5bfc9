#include "gpu/amdgpu/amdgpu_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "collectors/pcie/pcie_parser.hpp"
#include "core/text.hpp"
#include "gpu/amdgpu/amdgpu_parser.hpp"

namespace ainode {

namespace {

namespace fs_ns = std::filesystem;

bool is_card(std::string_view name) {
  return name.starts_with("card") && name.size() > 4 &&
         std::all_of(name.begin() + 4, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string basename_of_link(const fs_ns::path& link) {
  auto target = HostFs::link_target(link);
  return target ? target->substr(target->rfind('/') + 1) : "";
}

// The PCI address a DRM node's "device" link resolves to ("0000:c1:00.0").
std::string pci_address(const fs_ns::path& device) {
  std::error_code error;
  auto resolved = fs_ns::canonical(device, error);
  return error ? "" : resolved.filename().string();
}

unsigned card_number(const std::string& name) { return static_cast<unsigned>(std::stoul(name.substr(4))); }

std::vector<std::string> cards(const HostFs& fs) {
  std::vector<std::string> out;
  for (const auto& entry : HostFs::list(fs.sys("class/drm"))) {
    if (is_card(entry)) out.push_back(entry);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return card_number(a) < card_number(b); });
  return out;
}

class CardFiles {
 public:
  CardFiles(fs_ns::path device, std::vector<std::string>& problems) : device_(std::move(device)), problems_(problems) {}

  std::optional<std::string> line(const std::string& relative) const { return HostFs::try_read_line(device_ / relative); }
  std::optional<double> number_at(const fs_ns::path& path, double scale = 1) const {
    auto value = HostFs::try_read_int(path);
    if (value) return static_cast<double>(*value) * scale;
    return std::nullopt;
  }
  std::optional<double> number(const std::string& relative, double scale = 1) const {
    return number_at(device_ / relative, scale);
  }
  // Runs `parse` on the file's text; garbage is a problem, not a value.
  template <typename Parse>
  auto parsed(const std::string& relative, Parse parse) const -> std::optional<decltype(parse(std::string_view()))> {
    auto text = HostFs::try_read(device_ / relative);
    if (!text) return std::nullopt;
    try {
      return parse(*text);
    } catch (const ParseError& error) {
      problems_.push_back((device_ / relative).string() + ": " + error.what());
      return std::nullopt;
    }
  }
  const fs_ns::path& device() const { return device_; }

 private:
  fs_ns::path device_;
  std::vector<std::string>& problems_;
};

void read_hwmon(const CardFiles& card, GpuReading& r) {
  auto hwmons = HostFs::list(card.device() / "hwmon");
  if (hwmons.empty()) return;
  fs_ns::path hwmon = card.device() / "hwmon" / hwmons.front();
  // temp<N>_label names the sensor; without labels amdgpu's order is edge, junction, mem.
  const char* unlabelled[] = {"edge", "junction", "mem"};
  for (int n = 1; n <= 3; ++n) {
    auto value = card.number_at(hwmon / ("temp" + std::to_string(n) + "_input"), 0.001);
    if (!value) continue;
    auto label = HostFs::try_read_line(hwmon / ("temp" + std::to_string(n) + "_label")).value_or(unlabelled[n - 1]);
    if (label == "edge") r.temperature_celsius = value;
    if (label == "mem") r.memory_temperature_celsius = value;
    if (label == "junction") r.junction_temperature_celsius = value;
  }
  if (auto crit = card.number_at(hwmon / "temp1_crit", 0.001)) r.temperature_thresholds_celsius["slowdown"] = *crit;
  if (auto emergency = card.number_at(hwmon / "temp1_emergency", 0.001)) r.temperature_thresholds_celsius["shutdown"] = *emergency;
  // power1_average on most GPUs, power1_input on newer ones (both in microwatts).
  r.power_watts = card.number_at(hwmon / "power1_average", 1e-6);
  if (!r.power_watts) r.power_watts = card.number_at(hwmon / "power1_input", 1e-6);
  if (auto cap = card.number_at(hwmon / "power1_cap", 1e-6)) r.power_limits_watts["current"] = *cap;
  if (auto cap = card.number_at(hwmon / "power1_cap_default", 1e-6)) r.power_limits_watts["default"] = *cap;
  if (auto cap = card.number_at(hwmon / "power1_cap_min", 1e-6)) r.power_limits_watts["min"] = *cap;
  if (auto cap = card.number_at(hwmon / "power1_cap_max", 1e-6)) r.power_limits_watts["max"] = *cap;
  auto fan = card.number_at(hwmon / "fan1_input");
  auto fan_max = card.number_at(hwmon / "fan1_max");
  if (fan && fan_max && *fan_max > 0) r.fan_speed_ratio = std::min(1.0, *fan / *fan_max);
}

void read_ras(const CardFiles& card, GpuReading& r) {
  for (const auto& entry : HostFs::list(card.device() / "ras")) {
    const std::string suffix = "_err_count";
    if (!entry.ends_with(suffix)) continue;
    auto counts = card.parsed("ras/" + entry, parse_ras_counts);
    if (!counts) continue;
    std::string block = entry.substr(0, entry.size() - suffix.size());
    r.ras_errors[{block, "uncorrected"}] = counts->first;
    r.ras_errors[{block, "corrected"}] = counts->second;
  }
}

void read_pcie(const CardFiles& card, GpuReading& r) {
  auto generation = [&](const char* file) -> std::optional<unsigned> {
    auto speed = card.line(file);
    auto transfers = speed ? parse_pcie_speed(*speed) : std::nullopt;
    return transfers ? pcie_generation_of_speed(*transfers) : std::nullopt;
  };
  auto lanes = [&](const char* file) -> std::optional<unsigned> {
    auto width = card.number(file);
    return width && *width > 0 ? std::optional<unsigned>(static_cast<unsigned>(*width)) : std::nullopt;
  };
  r.pcie_generation = generation("current_link_speed");
  r.pcie_generation_max = generation("max_link_speed");
  r.pcie_width = lanes("current_link_width");
  r.pcie_width_max = lanes("max_link_width");
}

GpuReading read_card(const CardFiles& card, unsigned index, const std::string& address) {
  GpuReading r;
  r.vendor = "amd";
  r.index = index;
  r.pci_bus_id = address;
  // unique_id (a 64-bit serial, on MI-series and recent Radeon) is stable
  // across reboots; otherwise the PCI address is what identifies the card.
  r.uuid = card.line("unique_id").value_or("");
  r.uuid = r.uuid.empty() ? "amdgpu-" + address : "amdgpu-" + r.uuid;
  r.name = card.line("product_name").value_or("");
  if (r.name.empty()) r.name = "AMD GPU " + card.line("device").value_or("");
  r.serial = card.line("serial_number").value_or("");
  r.vbios = card.line("vbios_version").value_or("");
  if (auto node = card.number("numa_node"); node && *node >= 0) r.numa_node = static_cast<int>(*node);
  r.utilization_ratio = card.parsed("gpu_busy_percent", parse_busy_percent);
  r.memory_utilization_ratio = card.parsed("mem_busy_percent", parse_busy_percent);
  r.memory_total_bytes = card.number("mem_info_vram_total");
  r.memory_used_bytes = card.number("mem_info_vram_used");
  if (r.memory_total_bytes && r.memory_used_bytes) r.memory_free_bytes = *r.memory_total_bytes - *r.memory_used_bytes;
  r.visible_memory_total_bytes = card.number("mem_info_vis_vram_total");
  r.visible_memory_used_bytes = card.number("mem_info_vis_vram_used");
  r.gtt_total_bytes = card.number("mem_info_gtt_total");
  r.gtt_used_bytes = card.number("mem_info_gtt_used");
  if (auto sclk = card.parsed("pp_dpm_sclk", parse_dpm_current_hertz); sclk && *sclk) r.clocks_hertz["graphics"] = **sclk;
  if (auto mclk = card.parsed("pp_dpm_mclk", parse_dpm_current_hertz); mclk && *mclk) r.clocks_hertz["memory"] = **mclk;
  read_hwmon(card, r);
  read_ras(card, r);
  read_pcie(card, r);
  return r;
}

}  // namespace

std::vector<GpuReading> read_amd_gpus(const HostFs& fs, unsigned first_index, std::vector<std::string>& problems) {
  std::vector<GpuReading> out;
  // In-tree amdgpu has no version file; DKMS builds (ROCm) write one.
  std::string driver_version = HostFs::try_read_line(fs.sys("module/amdgpu/version")).value_or("");
  for (const auto& card : cards(fs)) {
    fs_ns::path device = fs.sys("class/drm") / card / "device";
    if (basename_of_link(device / "driver") != "amdgpu") continue;
    out.push_back(read_card(CardFiles(device, problems), first_index + static_cast<unsigned>(out.size()), pci_address(device)));
    out.back().driver_version = driver_version;
  }
  return out;
}

nlohmann::json dri_devices_json(const HostFs& fs) {
  // by-path names under <rootfs>/dev/dri/by-path: "pci-0000:c1:00.0-card" -> "../card1".
  std::map<std::string, std::vector<std::string>> by_path;
  auto by_path_dir = fs.root("dev/dri/by-path");
  for (const auto& entry : HostFs::list(by_path_dir)) {
    std::string node = basename_of_link(by_path_dir / entry);
    if (!node.empty()) by_path[node].push_back("/dev/dri/by-path/" + entry);
  }
  nlohmann::json list = nlohmann::json::array();
  auto drm = fs.sys("class/drm");
  std::map<std::string, std::string> render_of_address;
  for (const auto& entry : HostFs::list(drm)) {
    if (entry.starts_with("renderD")) render_of_address[pci_address(drm / entry / "device")] = entry;
  }
  for (const auto& card : cards(fs)) {
    std::string address = pci_address(drm / card / "device");
    std::string render = render_of_address.count(address) ? render_of_address[address] : "";
    nlohmann::json names = nlohmann::json::array();
    for (const auto& node : {card, render}) {
      if (!by_path.count(node)) continue;
      for (const auto& name : by_path[node]) names.push_back(name);
    }
    list.push_back({{"card", "/dev/dri/" + card},
                    {"render", render.empty() ? nlohmann::json() : nlohmann::json("/dev/dri/" + render)},
                    {"pci_bus_id", address},
                    {"driver", basename_of_link(drm / card / "device" / "driver")},
                    {"by_path", names}});
  }
  return list;
}

}  // namespace ainode
