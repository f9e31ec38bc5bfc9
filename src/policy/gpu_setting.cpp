#include "policy/gpu_setting.hpp"

#include <cmath>
#include <sstream>

namespace ainode {

std::string_view to_string(Knob knob) {
  switch (knob) {
    case Knob::power_limit: return "power_limit";
    case Knob::locked_clocks: return "locked_clocks";
    case Knob::memory_locked_clocks: return "memory_locked_clocks";
    case Knob::application_clocks: return "application_clocks";
  }
  return "?";
}

std::optional<Knob> knob_from_string(std::string_view name) {
  for (Knob knob : kKnobs) {
    if (to_string(knob) == name) return knob;
  }
  return std::nullopt;
}

GpuSetting GpuSetting::power(double watts) {
  GpuSetting s;
  s.knob = Knob::power_limit;
  s.watts = watts;
  return s;
}

GpuSetting GpuSetting::clocks(Knob knob, unsigned first, unsigned second) {
  GpuSetting s;
  s.knob = knob;
  s.first_mhz = first;
  s.second_mhz = second;
  return s;
}

GpuSetting GpuSetting::default_of(Knob knob) {
  GpuSetting s;
  s.knob = knob;
  s.reset = true;
  return s;
}

bool same_setting(const GpuSetting& a, const GpuSetting& b) {
  if (a.knob != b.knob || a.reset != b.reset) return false;
  if (a.reset) return true;
  if (a.knob == Knob::power_limit) return std::fabs(a.watts - b.watts) < 0.5;
  return a.first_mhz == b.first_mhz && a.second_mhz == b.second_mhz;
}

nlohmann::json setting_json(const GpuSetting& setting) {
  if (setting.reset) return "default";
  switch (setting.knob) {
    case Knob::power_limit: return std::round(setting.watts * 1000) / 1000;
    case Knob::locked_clocks:
    case Knob::memory_locked_clocks: return {{"min_mhz", setting.first_mhz}, {"max_mhz", setting.second_mhz}};
    case Knob::application_clocks: return {{"memory_mhz", setting.first_mhz}, {"graphics_mhz", setting.second_mhz}};
  }
  return nullptr;
}

std::optional<GpuSetting> setting_from_json(Knob knob, const nlohmann::json& value) {
  if (value.is_string() && value.get<std::string>() == "default" && knob != Knob::power_limit) {
    return GpuSetting::default_of(knob);
  }
  if (knob == Knob::power_limit) {
    // A recorded limit is what a GPU ran at: positive, and no GPU draws 100 kW.
    if (!value.is_number() || !(value.get<double>() > 0 && value.get<double>() < 100'000)) return std::nullopt;
    return GpuSetting::power(value.get<double>());
  }
  if (!value.is_object()) return std::nullopt;
  const char* first = knob == Knob::application_clocks ? "memory_mhz" : "min_mhz";
  const char* second = knob == Knob::application_clocks ? "graphics_mhz" : "max_mhz";
  if (!value.contains(first) || !value.contains(second) || !value[first].is_number_unsigned() ||
      !value[second].is_number_unsigned()) {
    return std::nullopt;
  }
  return GpuSetting::clocks(knob, value[first].get<unsigned>(), value[second].get<unsigned>());
}

std::string setting_text(const GpuSetting& setting) {
  if (setting.reset) return "default";
  std::ostringstream out;
  switch (setting.knob) {
    case Knob::power_limit: out << std::round(setting.watts * 10) / 10 << "W"; break;
    case Knob::locked_clocks:
    case Knob::memory_locked_clocks: out << setting.first_mhz << "-" << setting.second_mhz << "MHz"; break;
    case Knob::application_clocks:
      out << "memory " << setting.first_mhz << "MHz / graphics " << setting.second_mhz << "MHz";
      break;
  }
  return out.str();
}

}  // namespace ainode
