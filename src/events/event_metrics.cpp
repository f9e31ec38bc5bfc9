#include "events/event_metrics.hpp"

#include "events/event_types.hpp"

namespace ainode {

namespace {

const MetricDesc kEventsTotal{"ainode_events_total", MetricType::counter, "",
                              "Events published on the event bus since start, by type.", {"type"}};
const MetricDesc kEventClients{"ainode_event_clients", MetricType::gauge, "",
                               "Clients connected to the event stream (GET /v1/events)."};
const MetricDesc kEventClientsDropped{"ainode_event_clients_dropped_total", MetricType::counter, "",
                                      "Event-stream clients dropped for falling behind (queue full or write timeout)."};
const MetricDesc kEventLastId{"ainode_event_last_id", MetricType::gauge, "",
                              "Id of the newest event on the bus (0 before the first)."};
const MetricDesc kEventRingEvents{"ainode_event_ring_events", MetricType::gauge, "",
                                  "Events held for replay (Last-Event-ID) and /v1/events/recent, at most events.ring_size."};
const MetricDesc kEventRingBytes{"ainode_event_ring_bytes", MetricType::gauge, "bytes",
                                 "Bytes those events take: the newest as sent, older ones packed (deflated)."};

}  // namespace

std::vector<const MetricDesc*> event_metric_descriptors() {
  return {&kEventsTotal, &kEventClients, &kEventClientsDropped, &kEventLastId, &kEventRingEvents, &kEventRingBytes};
}

void add_event_metrics(const EventBus& bus, const EventStreamStats& streams, MetricSet& out) {
  auto totals = bus.totals_by_type();
  for (auto type : kEventTypes) {
    if (type == "events_lost") continue;
    totals.try_emplace(std::string(type), 0);
  }
  for (const auto& [type, count] : totals) out.add(kEventsTotal, {type}, static_cast<double>(count));
  out.add(kEventClients, static_cast<double>(streams.clients.load()));
  out.add(kEventClientsDropped, static_cast<double>(streams.clients_dropped.load()));
  out.add(kEventLastId, static_cast<double>(bus.last_id()));
  const EventBus::RingUse ring = bus.ring_use();
  out.add(kEventRingEvents, static_cast<double>(ring.events));
  out.add(kEventRingBytes, static_cast<double>(ring.bytes));
}

}  // namespace ainode
