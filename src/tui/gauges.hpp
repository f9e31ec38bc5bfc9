#pragma once
// Bars and sparklines as text. With UTF-8 they use block elements (eighth
// steps: "█▊", "▁▃▇"); in plain ASCII they fall back to "#" bars and
// ".:-=+*#" sparklines. Pure, tested on strings.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ainode::tui {

// `width` cells filled in proportion to ratio (clamped to 0..1), the rest
// spaces; an absent ratio is all spaces but for a "-" in the middle.
std::string bar(std::optional<double> ratio, std::size_t width, bool unicode);

// The last `width` values, one cell each, scaled between low and high
// (both absent: the values' own min and max). A missing point is a space.
// Fewer values than cells: right-aligned, padded with spaces on the left.
std::string sparkline(const std::vector<std::optional<double>>& values, std::size_t width, bool unicode,
                      std::optional<double> low = std::nullopt, std::optional<double> high = std::nullopt);

}  // namespace ainode::tui
