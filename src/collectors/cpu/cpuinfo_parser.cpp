#include "collectors/cpu/cpuinfo_parser.hpp"

#include "core/text.hpp"

namespace ainode {

std::vector<CpuInfoEntry> parse_cpuinfo(std::string_view text) {
  std::vector<CpuInfoEntry> entries;
  CpuInfoEntry current;
  bool has_processor = false;
  auto finish = [&] {
    if (has_processor) entries.push_back(current);
    current = CpuInfoEntry{};
    has_processor = false;
  };
  for (auto line : text::lines(text)) {
    if (text::trim(line).empty()) {
      finish();
      continue;
    }
    auto kv = text::split_key_value(line, ':');
    if (!kv) continue;
    std::string value(kv->value);
    if (kv->key == "processor") {
      if (has_processor) finish();
      if (!text::to_u64(kv->value)) continue;
      current.processor = value;
      has_processor = true;
    } else if (kv->key == "vendor_id" || kv->key == "CPU implementer") {
      if (current.vendor.empty()) current.vendor = value;
    } else if (kv->key == "cpu family" || kv->key == "CPU architecture") {
      if (current.family.empty()) current.family = value;
    } else if (kv->key == "model" || kv->key == "CPU part") {
      if (current.model.empty()) current.model = value;
    } else if (kv->key == "model name") {
      current.model_name = value;
    } else if (kv->key == "microcode") {
      current.microcode = value;
    } else if (kv->key == "stepping" || kv->key == "CPU revision") {
      if (current.stepping.empty()) current.stepping = value;
    } else if (kv->key == "physical id") {
      current.package = value;
    } else if (kv->key == "core id") {
      current.core = value;
    }
  }
  finish();
  if (entries.empty()) throw ParseError("no processor entries in /proc/cpuinfo");
  return entries;
}

}  // namespace ainode
