#include "app/audit_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "control/audit_log.hpp"
#include "events/event.hpp"

namespace ainode {

std::string format_audit_line(const std::string& json_line) {
  auto record = audit_record_from_json(json_line);
  if (!record) return {};
  std::string who(to_string(record->identity.method));
  if (!record->identity.subject.empty()) who += " " + record->identity.subject;
  if (!record->identity.peer.empty()) who += "@" + record->identity.peer;
  std::string line = fmt::format("{}  {:<28}  {:<14}  {:<8}  {:<9}", rfc3339(record->time), who, record->action,
                                 record->stage, record->result);
  if (record->status != 0) line += fmt::format("  HTTP {}", record->status);
  if (!record->parameters.empty()) line += "  " + record->parameters.dump();
  if (!record->before.is_null() || !record->after.is_null()) {
    line += "  " + record->before.dump() + " -> " + record->after.dump();
  }
  if (!record->reason.empty()) line += "  (" + record->reason + ")";
  return line;
}

int run_audit_command(const AuditCommandOptions& options) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (int i = 1000; i >= 1; --i) {
    std::string rotated = options.path + "." + std::to_string(i);
    if (fs::exists(rotated)) files.push_back(rotated);
  }
  if (fs::exists(options.path)) files.push_back(options.path);
  if (files.empty()) {
    std::cerr << "ainode audit: no audit log at " << options.path
              << " (control.audit_log / state.dir; nothing has been audited yet?)\n";
    return 1;
  }
  // The epoch when no --since is given: every record is younger.
  const auto cutoff = options.since ? std::chrono::system_clock::now() - *options.since
                                    : std::chrono::system_clock::time_point{};
  std::size_t skipped = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "ainode audit: cannot read " << file << "\n";
      return 1;
    }
    for (std::string line; std::getline(in, line);) {
      auto record = audit_record_from_json(line);
      if (!record) {
        ++skipped;  // a torn last line after a crash or a full disk
        continue;
      }
      if (record->time < cutoff) continue;
      std::cout << (options.json ? line : format_audit_line(line)) << "\n";
    }
  }
  if (skipped > 0) std::cerr << "ainode audit: skipped " << skipped << " line(s) that are not audit records\n";
  return 0;
}

}  // namespace ainode
