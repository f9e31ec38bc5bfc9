#include "control/control_metrics.hpp"

namespace ainode {

namespace {

const MetricDesc kControlRequests{"ainode_control_requests_total", MetricType::counter, "",
                                  "Control API calls (and the agent's own audited actions) by action and result.",
                                  {"action", "result"}};
const MetricDesc kAuditRecords{"ainode_audit_records_total", MetricType::counter, "",
                               "Records written (and fsync'd) to the audit log since start."};
const MetricDesc kAuditWriteErrors{"ainode_audit_write_errors_total", MetricType::counter, "",
                                   "Audit records that could not be written; actions they guarded were refused."};

}  // namespace

std::vector<const MetricDesc*> control_metric_descriptors() {
  return {&kControlRequests, &kAuditRecords, &kAuditWriteErrors};
}

void add_control_metrics(const ControlApi& api, const AuditLog& audit, MetricSet& out) {
  for (const auto& [key, count] : api.stats().requests) {
    out.add(kControlRequests, {key.first, key.second}, static_cast<double>(count));
  }
  out.add(kAuditRecords, static_cast<double>(audit.records_written()));
  out.add(kAuditWriteErrors, static_cast<double>(audit.write_errors()));
}

}  // namespace ainode
