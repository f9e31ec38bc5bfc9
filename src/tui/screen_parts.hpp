#pragma once
// Blocks that appear on more than one screen: the GPU table (overview and
// GPUs), root-cause findings (overview and AIOps), event lists (overview,
// Kubernetes, policies), the "not available on this agent" line.
#include <optional>
#include <string>
#include <vector>

#include "tui/page.hpp"
#include "tui/screens.hpp"

namespace ainode::tui {

// good below warn_at, warn below bad_at, bad above; dim when absent.
Tone level_tone(std::optional<double> value, double warn_at, double bad_at);

// One line per GPU; `selectable` marks the selected one (GPUs screen).
void add_gpu_table(Page& page, const ScreenContext& context, bool selectable);
// Findings of /v1/rca in one state ("open" or "closed"); at most `limit`
// (0: all), with their evidence when `detailed`.
void add_findings(Page& page, const ScreenContext& context, const std::string& state, std::size_t limit,
                  bool detailed = false);
// The newest events first whose type starts with one of `prefixes` (all
// when empty), at most `limit`.
void add_events(Page& page, const ScreenContext& context, const std::vector<std::string>& prefixes, std::size_t limit);
// Why an endpoint has nothing to show, as one line; false when it has.
bool add_unavailable(Page& page, const Endpoint& endpoint, const std::string& what);

}  // namespace ainode::tui
