#include "tui/gauges.hpp"

#include <algorithm>
#include <cmath>

namespace ainode::tui {

namespace {

// U+2588 FULL BLOCK down to U+258F LEFT ONE EIGHTH BLOCK.
const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
// U+2581 LOWER ONE EIGHTH BLOCK up to U+2588.
const char* const kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
const char kAsciiLevels[] = ".:-=+*#";  // a measured point is never blank

}  // namespace

std::string bar(std::optional<double> ratio, std::size_t width, bool unicode) {
  if (width == 0) return {};
  if (!ratio || !std::isfinite(*ratio)) {
    std::string out(width, ' ');
    out[width / 2] = '-';
    return out;
  }
  double clamped = std::clamp(*ratio, 0.0, 1.0);
  if (!unicode) {
    auto full = static_cast<std::size_t>(std::lround(clamped * static_cast<double>(width)));
    return std::string(full, '#') + std::string(width - full, ' ');
  }
  auto eighths = static_cast<std::size_t>(std::lround(clamped * static_cast<double>(width) * 8));
  std::string out;
  std::size_t cells = 0;
  for (; cells < eighths / 8; ++cells) out += kEighths[8];
  if (eighths % 8 != 0) {
    out += kEighths[eighths % 8];
    ++cells;
  }
  out.append(width - cells, ' ');
  return out;
}

std::string sparkline(const std::vector<std::optional<double>>& values, std::size_t width, bool unicode,
                      std::optional<double> low, std::optional<double> high) {
  std::size_t first = values.size() > width ? values.size() - width : 0;
  double min = 0, max = 0;
  bool any = false;
  for (std::size_t i = first; i < values.size(); ++i) {
    if (!values[i] || !std::isfinite(*values[i])) continue;
    min = any ? std::min(min, *values[i]) : *values[i];
    max = any ? std::max(max, *values[i]) : *values[i];
    any = true;
  }
  if (low) min = *low;
  if (high) max = *high;
  std::string out(width - std::min(width, values.size() - first), ' ');
  const int levels = unicode ? 8 : 7;
  for (std::size_t i = first; i < values.size(); ++i) {
    if (!values[i] || !std::isfinite(*values[i])) {
      out += ' ';
      continue;
    }
    // A flat line sits at the bottom: nothing moved.
    double position = max > min ? (std::clamp(*values[i], min, max) - min) / (max - min) : 0;
    int level = std::clamp(static_cast<int>(std::lround(position * (levels - 1))), 0, levels - 1);
    if (unicode) {
      out += kLevels[level];
    } else {
      out += kAsciiLevels[level];
    }
  }
  return out;
}

}  // namespace ainode::tui
