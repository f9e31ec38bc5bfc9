#include "exposition/prometheus_text.hpp"

#include <charconv>
#include <cmath>

#include "http/header_values.hpp"

namespace ainode {

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
  }
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
}

namespace {

// HELP text: 0.0.4 escapes backslash and newline; OpenMetrics also escapes
// double quotes.
void append_help(std::string& out, std::string_view help, ExpositionFormat format) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && format == ExpositionFormat::openmetrics) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

std::string_view type_name(MetricType type) { return type == MetricType::counter ? "counter" : "gauge"; }

void append_family(std::string& out, const Family& family, ExpositionFormat format) {
  const MetricDesc& desc = *family.desc;
  std::string_view header_name = format == ExpositionFormat::openmetrics ? desc.family_name() : desc.name;
  out += "# HELP ";
  out += header_name;
  out.push_back(' ');
  append_help(out, desc.help, format);
  out += "\n# TYPE ";
  out += header_name;
  out.push_back(' ');
  out += type_name(desc.type);
  out.push_back('\n');
  if (format == ExpositionFormat::openmetrics && !desc.unit.empty()) {
    out += "# UNIT ";
    out += header_name;
    out.push_back(' ');
    out += desc.unit;
    out.push_back('\n');
  }
  for (const Sample& sample : family.samples) {
    out += desc.name;
    // A label with an empty value is the same series as one without the
    // label (Prometheus data model), so it is not written: pod labels on a
    // node without Kubernetes cost nothing.
    bool opened = false;
    for (std::size_t i = 0; i < desc.labels.size(); ++i) {
      if (sample.label_values[i].empty()) continue;
      out.push_back(opened ? ',' : '{');
      opened = true;
      out += desc.labels[i];
      out += "=\"";
      append_label_value(out, sample.label_values[i]);
      out.push_back('"');
    }
    if (opened) out.push_back('}');
    out.push_back(' ');
    append_value(out, sample.value);
    out.push_back('\n');
  }
}

}  // namespace

std::string render_exposition(std::span<const Family> families, ExpositionFormat format) {
  std::string out;
  out.reserve(64 * 1024);
  for (const Family& family : families) {
    if (family.samples.empty()) continue;
    append_family(out, family, format);
  }
  if (format == ExpositionFormat::openmetrics) out += "# EOF\n";
  return out;
}

ExpositionFormat negotiate_format(std::string_view accept_header) {
  // Prometheus lists OpenMetrics first with the highest weight when it wants it.
  return header_lists(accept_header, "application/openmetrics-text") ? ExpositionFormat::openmetrics
                                                                      : ExpositionFormat::prometheus_text;
}

}  // namespace ainode
