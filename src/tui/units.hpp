#pragma once
// Short human units for dense terminal columns: "64.9G", "1.98GHz", "692W",
// "94%", "3m12s". Pure, tested on strings. An absent reading is "-", never 0.
#include <optional>
#include <string>

namespace ainode::tui {

inline constexpr const char* kAbsent = "-";

std::string format_bytes(std::optional<double> bytes);          // IEC: 1023 -> "1023B", 64.9e9 -> "60.4G"
std::string format_byte_rate(std::optional<double> bytes_per_second);  // SI: "1.01GB/s"
std::string format_hertz(std::optional<double> hertz);          // "1980MHz" below 10 GHz
std::string format_watts(std::optional<double> watts);          // "692W", "1.25kW"
std::string format_percent(std::optional<double> ratio);        // 0.94 -> "94%"
std::string format_celsius(std::optional<double> celsius);      // "68C"
std::string format_count(std::optional<double> count);          // 950 -> "950", 12345 -> "12.3k", "4.5M"
std::string format_seconds(std::optional<double> seconds);      // "167us", "1.3ms", "850ms", "12.0s", "3m12s", "2h05m", "3d04h"
std::string format_joules(std::optional<double> joules);        // "12.3kJ", "4.50MJ", "1.20GJ"

}  // namespace ainode::tui
