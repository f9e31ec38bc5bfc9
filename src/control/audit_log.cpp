#include "control/audit_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "events/event.hpp"

namespace ainode {

nlohmann::json audit_record_to_json(const AuditRecord& r) {
  nlohmann::json identity{{"method", to_string(r.identity.method)}};
  if (!r.identity.subject.empty()) identity["subject"] = r.identity.subject;
  nlohmann::json out{{"time", rfc3339(r.time)}, {"request_id", r.request_id}, {"stage", r.stage},
                     {"peer", r.identity.peer}, {"identity", identity},   {"action", r.action},
                     {"parameters", r.parameters}, {"result", r.result}};
  if (r.status != 0) out["status"] = r.status;
  if (!r.reason.empty()) out["reason"] = r.reason;
  if (!r.before.is_null()) out["before"] = r.before;
  if (!r.after.is_null()) out["after"] = r.after;
  return out;
}

std::optional<AuditRecord> audit_record_from_json(std::string_view line) {
  auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("action") || !json.contains("time")) {
    return std::nullopt;
  }
  AuditRecord r;
  auto text = [&json](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto time = parse_rfc3339(text("time"));
  if (!time) return std::nullopt;
  r.time = *time;
  r.request_id = text("request_id");
  r.stage = text("stage");
  r.identity.peer = text("peer");
  if (auto it = json.find("identity"); it != json.end() && it->is_object()) {
    std::string method = it->value("method", "");
    for (auto m : {AuthMethod::none, AuthMethod::loopback, AuthMethod::token, AuthMethod::client_certificate,
                   AuthMethod::agent}) {
      if (to_string(m) == method) r.identity.method = m;
    }
    r.identity.subject = it->value("subject", "");
  }
  r.action = text("action");
  if (auto it = json.find("parameters"); it != json.end()) r.parameters = *it;
  r.result = text("result");
  if (auto it = json.find("status"); it != json.end() && it->is_number_unsigned()) r.status = it->get<unsigned>();
  r.reason = text("reason");
  if (auto it = json.find("before"); it != json.end()) r.before = *it;
  if (auto it = json.find("after"); it != json.end()) r.after = *it;
  return r;
}

AuditLog::AuditLog(AuditLogOptions options) : options_(std::move(options)) {}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool AuditLog::open_locked(std::string& error) {
  if (fd_ >= 0) return true;
  if (options_.path.empty()) {
    error = "no audit log is configured (control.audit_log)";
    return false;
  }
  std::error_code ignored;
  auto parent = std::filesystem::path(options_.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  fd_ = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error = options_.path + ": " + std::strerror(errno);
    return false;
  }
  struct stat info{};
  size_ = ::fstat(fd_, &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
  return true;
}

bool AuditLog::rotate_locked(std::string& error) {
  ::close(fd_);
  fd_ = -1;
  namespace fs = std::filesystem;
  std::error_code code;
  const std::string& base = options_.path;
  if (options_.keep == 0) {
    fs::remove(base, code);
  } else {
    fs::remove(base + "." + std::to_string(options_.keep), code);
    for (unsigned i = options_.keep; i > 1; --i) {
      fs::rename(base + "." + std::to_string(i - 1), base + "." + std::to_string(i), code);
    }
    fs::rename(base, base + ".1", code);
    if (code) {
      error = base + ": cannot rotate: " + code.message();
      return false;
    }
  }
  // Make the renames durable before records go to the new file.
  auto parent = fs::path(base).parent_path();
  int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return open_locked(error);
}

bool AuditLog::append(const AuditRecord& record, std::string* error_out) {
  std::string line = audit_record_to_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::string error;
  bool ok = open_locked(error);
  if (ok && size_ > 0 && size_ + line.size() > options_.max_bytes) ok = rotate_locked(error);
  if (ok) {
    // O_APPEND writes of one line; a short write (disk filling mid-record)
    // is an error, and the torn line is skipped by readers.
    ssize_t written = ::write(fd_, line.data(), line.size());
    if (written != static_cast<ssize_t>(line.size())) {
      error = options_.path + ": " + (written < 0 ? std::strerror(errno) : "short write (disk full?)");
      ok = false;
    } else if (::fsync(fd_) != 0) {
      error = options_.path + ": fsync: " + std::strerror(errno);
      ok = false;
    } else {
      size_ += line.size();
    }
  }
  if (!ok) {
    ++errors_;
    last_error_ = error;
    // Reopen next time: the file may have been removed or the disk freed.
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (error_out) *error_out = error;
    return false;
  }
  ++written_;
  return true;
}

std::uint64_t AuditLog::records_written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::uint64_t AuditLog::write_errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::string AuditLog::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace ainode
