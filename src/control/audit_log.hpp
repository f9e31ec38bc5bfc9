#pragma once
// The append-only audit log of the control API: one JSON line per record,
// fsync'd before the call returns, rotated by size keeping `keep` old files
// (audit.log.1 newest ... audit.log.N oldest). A record that cannot be made
// durable is reported as a failure, so the caller can refuse the action:
// nothing that changes the machine runs unaudited.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "control/caller_identity.hpp"

namespace ainode {

struct AuditRecord {
  std::chrono::system_clock::time_point time;
  std::string request_id;  // shared by the "request" and "response" records of one call
  std::string stage;       // "request" (before a change runs), "response" (outcome)
  CallerIdentity identity;
  std::string action;      // "reload", "whoami", "policy_mode", ...
  nlohmann::json parameters = nlohmann::json::object();
  std::string result;      // "accepted", "ok", "refused", "failed", "dry_run"
  unsigned status = 0;     // HTTP status answered, 0 for autonomous actions
  std::string reason;      // why refused or failed
  nlohmann::json before;   // machine or agent state before (null when not applicable)
  nlohmann::json after;
};

nlohmann::json audit_record_to_json(const AuditRecord& record);
// Parses one line back (for `ainode audit`); nullopt for a line that is not
// an audit record (a torn last line after a crash).
std::optional<AuditRecord> audit_record_from_json(std::string_view line);

struct AuditLogOptions {
  std::string path;                         // "" = audit disabled: every append fails
  std::uint64_t max_bytes = 10 * 1024 * 1024;  // rotate when the file would grow past this
  unsigned keep = 5;                        // rotated files kept
};

class AuditLog {
 public:
  explicit AuditLog(AuditLogOptions options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Writes and fsyncs one record. On failure returns false and sets `error`
  // (the file, and errno's words); the failure is counted.
  bool append(const AuditRecord& record, std::string* error = nullptr);

  const std::string& path() const { return options_.path; }
  std::uint64_t records_written() const;
  std::uint64_t write_errors() const;
  std::string last_error() const;

 private:
  bool open_locked(std::string& error);
  bool rotate_locked(std::string& error);

  AuditLogOptions options_;
  mutable std::mutex mutex_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t errors_ = 0;
  std::string last_error_;
};

}  // namespace ainode
