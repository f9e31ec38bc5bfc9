#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

// One processor block of /proc/cpuinfo. x86 fills every field; arm64 and
// others leave most empty (reported as "", never invented).
struct CpuInfoEntry {
  std::string processor, vendor, family, model, model_name, microcode, stepping, package, core;
};

// Lenient by design: unknown keys are ignored and a block without a
// "processor" line is skipped. Throws ParseError only when the text has no
// processor at all.
std::vector<CpuInfoEntry> parse_cpuinfo(std::string_view text);

}  // namespace ainode
