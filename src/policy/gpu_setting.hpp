#pragma once
// One GPU setting the policy engine manages (a "knob") and its value: the
// vocabulary shared by evaluation, the actuator, ownership records, audit
// and events. Power in watts, clocks in MHz (the units of the contract).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ainode {

enum class Knob { power_limit, locked_clocks, memory_locked_clocks, application_clocks };

inline constexpr Knob kKnobs[] = {Knob::power_limit, Knob::locked_clocks, Knob::memory_locked_clocks,
                                  Knob::application_clocks};

// "power_limit", "locked_clocks", "memory_locked_clocks", "application_clocks"
std::string_view to_string(Knob knob);
std::optional<Knob> knob_from_string(std::string_view name);

// A knob's value. power_limit: `watts`. locked clocks: `first_mhz` = min,
// `second_mhz` = max. application_clocks: `first_mhz` = memory,
// `second_mhz` = graphics. `reset` = the driver's default (clocks unlocked);
// for the power limit the default is written as watts instead.
struct GpuSetting {
  Knob knob = Knob::power_limit;
  double watts = 0;
  unsigned first_mhz = 0, second_mhz = 0;
  bool reset = false;

  static GpuSetting power(double watts);
  static GpuSetting clocks(Knob knob, unsigned first, unsigned second);
  static GpuSetting default_of(Knob knob);  // clocks reset; not for the power limit
};

// Power within 0.5 W (NVML works in milliwatts, sysfs in microwatts; both
// round), clocks exactly.
bool same_setting(const GpuSetting& a, const GpuSetting& b);

// 250 (watts), {"min_mhz":..,"max_mhz":..}, {"memory_mhz":..,"graphics_mhz":..} or "default".
nlohmann::json setting_json(const GpuSetting& setting);
std::optional<GpuSetting> setting_from_json(Knob knob, const nlohmann::json& value);
// "250W", "900-1410MHz", "mem 1593MHz / graphics 1410MHz", "default"
std::string setting_text(const GpuSetting& setting);

}  // namespace ainode
