#pragma once
// Prometheus exposition: text format 0.0.4 and OpenMetrics 1.0, from the
// same families.
#include <span>
#include <string>
#include <string_view>

#include "core/metric.hpp"

namespace ainode {

enum class ExpositionFormat { prometheus_text, openmetrics };

inline constexpr std::string_view kPrometheusTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

std::string render_exposition(std::span<const Family> families, ExpositionFormat format);

// The format a scrape's Accept header asks for.
ExpositionFormat negotiate_format(std::string_view accept_header);

// Sample value as both formats want it: shortest round-trip decimal,
// "+Inf", "-Inf", "NaN".
void append_value(std::string& out, double value);
// Escaping for label values (both formats): backslash, double quote, newline.
void append_label_value(std::string& out, std::string_view value);

}  // namespace ainode
