#include "tui/units.hpp"

#include <cmath>

#include <fmt/format.h>

namespace ainode::tui {

namespace {

// value scaled by `step` until below it, with suffixes; three significant
// digits ("1.23", "12.3", "123") keep columns narrow and steady.
std::string scaled(double value, double step, const char* const* suffixes, int count, const char* unit) {
  int i = 0;
  double magnitude = std::fabs(value);
  while (i + 1 < count && magnitude >= step * 0.9995) {
    value /= step;
    magnitude /= step;
    ++i;
  }
  if (i == 0 || magnitude >= 99.95) return fmt::format("{:.0f}{}{}", value, suffixes[i], unit);
  if (magnitude >= 9.995) return fmt::format("{:.1f}{}{}", value, suffixes[i], unit);
  return fmt::format("{:.2f}{}{}", value, suffixes[i], unit);
}

bool usable(const std::optional<double>& value) { return value && std::isfinite(*value); }

}  // namespace

std::string format_bytes(std::optional<double> bytes) {
  if (!usable(bytes)) return kAbsent;
  static const char* const suffixes[] = {"B", "K", "M", "G", "T", "P"};
  return scaled(*bytes, 1024, suffixes, 6, "");
}

std::string format_byte_rate(std::optional<double> bytes_per_second) {
  if (!usable(bytes_per_second)) return kAbsent;
  static const char* const suffixes[] = {"B", "kB", "MB", "GB", "TB"};
  return scaled(*bytes_per_second, 1000, suffixes, 5, "/s");
}

std::string format_hertz(std::optional<double> hertz) {
  if (!usable(hertz)) return kAbsent;
  // Clocks read in MHz everywhere in GPU tooling (nvidia-smi, NVML).
  if (std::fabs(*hertz) < 10e9) return fmt::format("{:.0f}MHz", *hertz / 1e6);
  return fmt::format("{:.1f}GHz", *hertz / 1e9);
}

std::string format_watts(std::optional<double> watts) {
  if (!usable(watts)) return kAbsent;
  static const char* const suffixes[] = {"", "k", "M"};
  return scaled(*watts, 1000, suffixes, 3, "W");
}

std::string format_percent(std::optional<double> ratio) {
  if (!usable(ratio)) return kAbsent;
  return fmt::format("{:.0f}%", *ratio * 100);
}

std::string format_celsius(std::optional<double> celsius) {
  if (!usable(celsius)) return kAbsent;
  return fmt::format("{:.0f}C", *celsius);
}

std::string format_count(std::optional<double> count) {
  if (!usable(count)) return kAbsent;
  static const char* const suffixes[] = {"", "k", "M", "G", "T"};
  return scaled(*count, 1000, suffixes, 5, "");
}

std::string format_seconds(std::optional<double> seconds) {
  if (!usable(seconds)) return kAbsent;
  double s = *seconds;
  if (s < 0) return fmt::format("-{}", format_seconds(-s));
  if (s < 0.001) return fmt::format("{:.0f}us", s * 1e6);
  if (s < 0.01) return fmt::format("{:.1f}ms", s * 1000);
  if (s < 1) return fmt::format("{:.0f}ms", s * 1000);
  if (s < 60) return fmt::format("{:.1f}s", s);
  auto whole = static_cast<long long>(s);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  if (whole < 86400) return fmt::format("{}h{:02}m", whole / 3600, (whole % 3600) / 60);
  return fmt::format("{}d{:02}h", whole / 86400, (whole % 86400) / 3600);
}

std::string format_joules(std::optional<double> joules) {
  if (!usable(joules)) return kAbsent;
  static const char* const suffixes[] = {"", "k", "M", "G", "T"};
  return scaled(*joules, 1000, suffixes, 5, "J");
}

}  // namespace ainode::tui
