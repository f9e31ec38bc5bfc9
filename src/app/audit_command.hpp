#pragma once
// `ainode audit`: the control audit log, readably, oldest first, across the
// rotated files (audit.log.N ... audit.log.1, audit.log).
#include <chrono>
#include <optional>
#include <string>

namespace ainode {

struct AuditCommandOptions {
  std::string path;  // the audit log (control.audit_log or <state.dir>/audit.log)
  std::optional<std::chrono::milliseconds> since;  // only records younger than this
  bool json = false;
};

int run_audit_command(const AuditCommandOptions& options);

// One record as a line: time, identity@peer, action, stage, result, change.
std::string format_audit_line(const std::string& json_line);

}  // namespace ainode
