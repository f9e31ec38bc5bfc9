#include "collectors/numa/numa_parser.hpp"

#include "core/text.hpp"

namespace ainode {

std::map<std::string, std::uint64_t> parse_node_meminfo(std::string_view text) {
  std::map<std::string, std::uint64_t> values;
  for (auto line : text::lines(text)) {
    auto fields = text::fields(line);
    if (fields.empty()) continue;
    // Node <n> <Key>: <value> [kB]
    if (fields.size() < 4 || fields[0] != "Node" || !fields[2].ends_with(':')) {
      throw ParseError("node meminfo: malformed line '" + std::string(line.substr(0, 40)) + "'");
    }
    std::string key(fields[2].substr(0, fields[2].size() - 1));
    std::uint64_t value = text::require_u64(fields[3], key);
    values[key] = fields.size() > 4 && fields[4] == "kB" ? value * 1024 : value;
  }
  return values;
}

std::vector<unsigned> parse_cpu_list(std::string_view text) {
  std::vector<unsigned> cpus;
  text = text::trim(text);
  if (text.empty()) return cpus;
  for (auto part : text::split(text, ',')) {
    auto range = text::split(part, '-');
    if (range.size() > 2) throw ParseError("cpulist: bad range '" + std::string(part) + "'");
    auto first = text::require_u64(range[0], "cpu");
    auto last = range.size() == 2 ? text::require_u64(range[1], "cpu") : first;
    if (last < first || last - first > 65536 || last > 1'000'000) throw ParseError("cpulist: bad range '" + std::string(part) + "'");
    // Linux supports at most 8192 CPUs (NR_CPUS); more is corrupt input.
    constexpr std::size_t kMaxCpus = 65536;
    if (cpus.size() + (last - first + 1) > kMaxCpus) throw ParseError("cpulist: more than 65536 CPUs");
    for (auto cpu = first; cpu <= last; ++cpu) cpus.push_back(static_cast<unsigned>(cpu));
  }
  return cpus;
}

InterruptTotals parse_interrupts(std::string_view text) {
  InterruptTotals out;
  auto lines = text::lines(text);
  if (lines.empty()) throw ParseError("interrupts: empty");
  for (auto name : text::fields(lines[0])) {
    if (!name.starts_with("CPU")) throw ParseError("interrupts: header field '" + std::string(name) + "'");
    out.cpus.push_back(static_cast<unsigned>(text::require_u64(name.substr(3), "CPU number")));
  }
  if (out.cpus.empty()) throw ParseError("interrupts: no CPU columns");
  out.totals.assign(out.cpus.size(), 0);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto fields = text::fields(lines[i]);
    if (fields.empty()) continue;
    if (!fields[0].ends_with(':')) throw ParseError("interrupts: line without 'NAME:'");
    for (std::size_t column = 0; column < out.cpus.size() && column + 1 < fields.size(); ++column) {
      auto count = text::to_u64(fields[column + 1]);
      if (!count) break;  // the description starts
      out.totals[column] += *count;
    }
  }
  return out;
}

}  // namespace ainode
