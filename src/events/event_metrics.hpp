#pragma once
// The event bus's own metrics.
#include <vector>

#include "core/metric.hpp"
#include "events/event_bus.hpp"
#include "events/event_stream.hpp"

namespace ainode {

std::vector<const MetricDesc*> event_metric_descriptors();
void add_event_metrics(const EventBus& bus, const EventStreamStats& streams, MetricSet& out);

}  // namespace ainode
