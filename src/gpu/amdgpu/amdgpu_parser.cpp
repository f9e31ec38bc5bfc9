#include "gpu/amdgpu/amdgpu_parser.hpp"

#include <cmath>
#include <string>

#include "core/text.hpp"

namespace ainode {

double parse_busy_percent(std::string_view text) {
  auto value = text::to_u64(text::trim(text));
  if (!value || *value > 100) throw ParseError("busy percent: expected 0..100, got '" + std::string(text::trim(text)) + "'");
  return static_cast<double>(*value) / 100.0;
}

std::optional<double> parse_dpm_current_hertz(std::string_view text) {
  bool any_level = false;
  for (std::string_view line : text::split(text, '\n')) {
    line = text::trim(line);
    if (line.empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) throw ParseError("pp_dpm: expected '<level>: <clock>', got '" + std::string(line) + "'");
    any_level = true;
    std::string_view rest = text::trim(line.substr(colon + 1));
    bool current = !rest.empty() && rest.back() == '*';
    if (!current) continue;
    rest = text::trim(rest.substr(0, rest.size() - 1));
    double scale = 0;
    for (auto [unit, factor] : {std::pair{"Mhz", 1e6}, std::pair{"MHz", 1e6}, std::pair{"Ghz", 1e9}, std::pair{"GHz", 1e9}}) {
      if (rest.ends_with(unit)) {
        rest.remove_suffix(std::string_view(unit).size());
        scale = factor;
        break;
      }
    }
    auto number = text::to_u64(text::trim(rest));
    if (scale == 0 || !number) throw ParseError("pp_dpm: unreadable clock in '" + std::string(line) + "'");
    return static_cast<double>(*number) * scale;
  }
  if (!any_level) throw ParseError("pp_dpm: no levels");
  return std::nullopt;
}

std::pair<double, double> parse_ras_counts(std::string_view text) {
  std::optional<std::uint64_t> uncorrected, corrected;
  for (std::string_view line : text::split(text, '\n')) {
    auto kv = text::split_key_value(line, ':');
    if (!kv) continue;
    auto value = text::to_u64(text::trim(kv->value));
    if (kv->key == "ue") uncorrected = value;
    if (kv->key == "ce") corrected = value;
  }
  if (!uncorrected || !corrected) throw ParseError("ras err_count: expected 'ue: N' and 'ce: N'");
  return {static_cast<double>(*uncorrected), static_cast<double>(*corrected)};
}

std::optional<unsigned> pcie_generation_of_speed(double transfers_per_second) {
  const double gigatransfers = transfers_per_second / 1e9;
  const double speeds[] = {2.5, 5, 8, 16, 32, 64};
  for (unsigned generation = 1; generation <= 6; ++generation) {
    if (std::fabs(gigatransfers - speeds[generation - 1]) < 0.1) return generation;
  }
  return std::nullopt;
}

}  // namespace ainode
