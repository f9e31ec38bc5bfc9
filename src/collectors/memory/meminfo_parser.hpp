#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ainode {

// /proc/meminfo as name -> bytes ("kB" in the file means KiB; lines without
// a unit, such as HugePages_Total, are counts and kept as they are).
// Throws ParseError on a line that is not "Name: number [kB]", so a corrupt
// file fails the collector instead of exporting half-read values.
std::map<std::string, std::uint64_t, std::less<>> parse_meminfo(std::string_view text);

// /proc/vmstat as name -> value ("name value" per line), same strictness.
std::map<std::string, std::uint64_t, std::less<>> parse_vmstat(std::string_view text);

}  // namespace ainode
