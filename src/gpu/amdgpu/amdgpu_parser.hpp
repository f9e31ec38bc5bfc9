#pragma once
// Parsers for the amdgpu driver's sysfs files (Documentation/gpu/amdgpu):
// pure functions on the text of one file, ParseError on anything else.
#include <optional>
#include <string_view>
#include <utility>

namespace ainode {

// gpu_busy_percent / mem_busy_percent: "37\n" -> 0.37.
double parse_busy_percent(std::string_view text);

// pp_dpm_sclk / pp_dpm_mclk: the level marked '*' is current.
//   "0: 500Mhz\n1: 800Mhz *\n2: 1700Mhz\n" -> 800e6 hertz.
// nullopt when no level is marked (the GPU is in a power-saving state).
std::optional<double> parse_dpm_current_hertz(std::string_view text);

// ras/<block>_err_count: "ue: 0\nce: 3\n" -> {uncorrected 0, corrected 3}.
std::pair<double, double> parse_ras_counts(std::string_view text);

// PCIe speed in transfers per second -> generation (2.5e9 -> 1 ... 64e9 -> 6).
std::optional<unsigned> pcie_generation_of_speed(double transfers_per_second);

}  // namespace ainode
