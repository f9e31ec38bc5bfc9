// AMD GPUs through amdgpu sysfs: each parser on strings, the reader on the
// fixture card (an MI210-like card with RAS files and a link trained down to
// x8), on a card with missing and malformed files, and /v1/dri's mapping.
#include <gtest/gtest.h>

#include "collector_test_support.hpp"
#include "collectors/gpu/gpu_collector.hpp"
#include "core/text.hpp"
#include "gpu/amdgpu/amdgpu_parser.hpp"
#include "gpu/amdgpu/amdgpu_reader.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using namespace ainode::testing;

TEST(AmdgpuParser, BusyPercent) {
  EXPECT_DOUBLE_EQ(parse_busy_percent("37\n"), 0.37);
  EXPECT_DOUBLE_EQ(parse_busy_percent("0"), 0.0);
  EXPECT_DOUBLE_EQ(parse_busy_percent("100\n"), 1.0);
  for (const char* bad : {"", "\n", "101", "-1", "37%", "abc", "3 7"}) EXPECT_THROW(parse_busy_percent(bad), ParseError) << bad;
}

TEST(AmdgpuParser, CurrentDpmLevel) {
  EXPECT_EQ(parse_dpm_current_hertz("0: 500Mhz\n1: 800Mhz *\n2: 1700Mhz\n"), 800e6);
  EXPECT_EQ(parse_dpm_current_hertz("0: 96Mhz\n1: 1600Mhz *"), 1600e6) << "no trailing newline";
  EXPECT_EQ(parse_dpm_current_hertz("0: 2GHz *\n"), 2e9);
  EXPECT_EQ(parse_dpm_current_hertz("0: 500Mhz\n1: 800Mhz\n"), std::nullopt) << "no level marked";
  EXPECT_THROW(parse_dpm_current_hertz(""), ParseError);
  EXPECT_THROW(parse_dpm_current_hertz("garbage\n"), ParseError);
  EXPECT_THROW(parse_dpm_current_hertz("0: fast *\n"), ParseError);
  EXPECT_THROW(parse_dpm_current_hertz("0: 800 *\n"), ParseError) << "no unit";
}

TEST(AmdgpuParser, RasCounts) {
  auto [ue, ce] = parse_ras_counts("ue: 1\nce: 4\n");
  EXPECT_EQ(ue, 1);
  EXPECT_EQ(ce, 4);
  EXPECT_THROW(parse_ras_counts("ue: 1\n"), ParseError);
  EXPECT_THROW(parse_ras_counts(""), ParseError);
  EXPECT_THROW(parse_ras_counts("ue: x\nce: 2\n"), ParseError);
}

TEST(AmdgpuParser, PcieGeneration) {
  EXPECT_EQ(pcie_generation_of_speed(2.5e9), 1u);
  EXPECT_EQ(pcie_generation_of_speed(16e9), 4u);
  EXPECT_EQ(pcie_generation_of_speed(32e9), 5u);
  EXPECT_EQ(pcie_generation_of_speed(64e9), 6u);
  EXPECT_EQ(pcie_generation_of_speed(12e9), std::nullopt);
}

TEST(AmdgpuReader, FixtureCard) {
  std::vector<std::string> problems;
  auto gpus = read_amd_gpus(fixture_fs(), 3, problems);
  ASSERT_EQ(gpus.size(), 1u);
  EXPECT_TRUE(problems.empty());
  const GpuReading& g = gpus[0];
  EXPECT_EQ(g.vendor, "amd");
  EXPECT_EQ(g.index, 3u) << "numbered after the NVIDIA GPUs";
  EXPECT_EQ(g.uuid, "amdgpu-a1b2c3d4e5f60718");
  EXPECT_EQ(g.name, "AMD Instinct MI210");
  EXPECT_EQ(g.pci_bus_id, "0000:c1:00.0");
  EXPECT_EQ(g.numa_node, 1);
  EXPECT_DOUBLE_EQ(*g.utilization_ratio, 0.37);
  EXPECT_DOUBLE_EQ(*g.memory_utilization_ratio, 0.12);
  EXPECT_EQ(g.memory_total_bytes, 68702699520.0);
  EXPECT_EQ(g.memory_free_bytes, 68702699520.0 - 21474836480.0);
  EXPECT_EQ(g.gtt_used_bytes, 536870912.0);
  EXPECT_EQ(g.visible_memory_used_bytes, 1073741824.0);
  EXPECT_EQ(g.temperature_celsius, 41.0);
  EXPECT_EQ(g.junction_temperature_celsius, 56.0);
  EXPECT_EQ(g.memory_temperature_celsius, 48.0);
  EXPECT_EQ(g.temperature_thresholds_celsius.at("slowdown"), 100.0);
  EXPECT_EQ(g.power_watts, 186.0);
  EXPECT_EQ(g.power_limits_watts.at("current"), 300.0);
  EXPECT_EQ(g.clocks_hertz.at("graphics"), 1.7e9);
  EXPECT_EQ(g.clocks_hertz.at("memory"), 1.6e9);
  EXPECT_EQ((g.ras_errors.at({"umc", "corrected"})), 4.0);
  EXPECT_EQ((g.ras_errors.at({"sdma", "uncorrected"})), 1.0);
  EXPECT_EQ(g.pcie_generation, 4u);
  EXPECT_EQ(g.pcie_width, 8u) << "trained down";
  EXPECT_EQ(g.pcie_width_max, 16u);
  EXPECT_FALSE(g.fan_speed_ratio.has_value()) << "passively cooled: no fan files";
  EXPECT_FALSE(g.energy_joules.has_value());
}

TEST(AmdgpuReader, MissingAndMalformedFiles) {
  TempTree tree;
  tree.write("sys/bus/pci/devices/0000:03:00.0/gpu_busy_percent", "lots\n");
  tree.write("sys/bus/pci/devices/0000:03:00.0/pp_dpm_sclk", "0: fast *\n");
  tree.write("sys/bus/pci/devices/0000:03:00.0/ras/umc_err_count", "ue: ?\n");
  tree.write("sys/bus/pci/devices/0000:03:00.0/mem_info_vram_total", "not a number\n");
  tree.write("sys/bus/pci/devices/0000:03:00.0/device", "0x73bf\n");
  tree.mkdir("sys/bus/pci/drivers/amdgpu");
  tree.mkdir("sys/class/drm/card0");
  std::filesystem::create_symlink("../../../bus/pci/drivers/amdgpu", tree.path() / "sys/bus/pci/devices/0000:03:00.0/driver");
  std::filesystem::create_symlink("../../../bus/pci/devices/0000:03:00.0", tree.path() / "sys/class/drm/card0/device");
  // A card of another driver is not read as an AMD GPU.
  tree.mkdir("sys/bus/pci/drivers/i915");
  tree.mkdir("sys/bus/pci/devices/0000:00:02.0");
  tree.mkdir("sys/class/drm/card1");
  std::filesystem::create_symlink("../../../bus/pci/drivers/i915", tree.path() / "sys/bus/pci/devices/0000:00:02.0/driver");
  std::filesystem::create_symlink("../../../bus/pci/devices/0000:00:02.0", tree.path() / "sys/class/drm/card1/device");
  std::vector<std::string> problems;
  auto gpus = read_amd_gpus(tree.fs(), 0, problems);
  ASSERT_EQ(gpus.size(), 1u);
  const GpuReading& g = gpus[0];
  EXPECT_EQ(g.uuid, "amdgpu-0000:03:00.0") << "no unique_id: the PCI address identifies the card";
  EXPECT_EQ(g.name, "AMD GPU 0x73bf");
  EXPECT_FALSE(g.utilization_ratio.has_value());
  EXPECT_TRUE(g.clocks_hertz.empty());
  EXPECT_TRUE(g.ras_errors.empty());
  EXPECT_FALSE(g.memory_total_bytes.has_value());
  EXPECT_FALSE(g.temperature_celsius.has_value()) << "no hwmon directory";
  EXPECT_EQ(problems.size(), 3u) << "busy, sclk and RAS garbage named; a non-number size is just absent";
}

TEST(AmdgpuReader, DriMapping) {
  auto dri = dri_devices_json(fixture_fs());
  ASSERT_EQ(dri.size(), 1u) << "connectors (card1-DP-1) are not cards";
  EXPECT_EQ(dri[0]["card"], "/dev/dri/card1");
  EXPECT_EQ(dri[0]["render"], "/dev/dri/renderD129");
  EXPECT_EQ(dri[0]["pci_bus_id"], "0000:c1:00.0");
  EXPECT_EQ(dri[0]["driver"], "amdgpu");
  ASSERT_EQ(dri[0]["by_path"].size(), 2u);
  EXPECT_EQ(dri[0]["by_path"][0], "/dev/dri/by-path/pci-0000:c1:00.0-card");
}

TEST(GpuCollector, AmdWithoutNvml) {
  GpuConfig config;
  config.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  GpuCollector collector(config);
  auto c = collect_once(collector);
  EXPECT_EQ(c.value("ainode_gpu_devices"), 1);
  EXPECT_EQ(c.value("ainode_gpu_utilization_ratio", {{"gpu", "0"}, {"vendor", "amd"}}), 0.37);
  EXPECT_EQ(c.value("ainode_gpu_ras_errors_total", {{"block", "umc"}, {"type", "corrected"}}), 4);
  EXPECT_EQ((*c.details)["gpus"][0]["vendor"], "amd");
  EXPECT_EQ((*c.details)["nvml"]["available"], false);
  EXPECT_EQ((*c.details)["dri"][0]["card"], "/dev/dri/card1");
}
