#pragma once
// The control API's and the audit log's own metrics.
#include <vector>

#include "control/audit_log.hpp"
#include "control/control_api.hpp"
#include "core/metric.hpp"

namespace ainode {

std::vector<const MetricDesc*> control_metric_descriptors();
void add_control_metrics(const ControlApi& api, const AuditLog& audit, MetricSet& out);

}  // namespace ainode
