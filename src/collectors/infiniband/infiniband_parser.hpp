#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

// "4: ACTIVE" (state) or "5: LinkUp" (phys_state) -> {4, "ACTIVE"}.
struct IbState {
  int code = 0;
  std::string name;
};
std::optional<IbState> parse_ib_state(std::string_view text);

// "200 Gb/sec (4X HDR)" -> 25e9 bytes per second; "2.5 Gb/sec (1X SDR)" too.
std::optional<double> parse_ib_rate_bytes(std::string_view text);

// A counter file's value; nullopt for "N/A" (irdma, bnxt_re) or garbage.
std::optional<std::uint64_t> parse_ib_counter(std::string_view text);

// hw_counters file names are driver-specific: keep [a-zA-Z0-9_], map the
// rest to '_', so they are safe as label values everywhere.
std::string sanitize_counter_name(std::string_view name);

}  // namespace ainode
