#pragma once
// The app collector's metric descriptors, shared with the tokens-per-joule
// join (src/efficiency), which reads these series back from the snapshot.
#include <string>
#include <string_view>

#include "core/metric.hpp"

namespace ainode {

extern const MetricDesc kModelTokens;         // ainode_model_tokens_total{model,server,namespace,pod,endpoint,type}
extern const MetricDesc kModelRequests;       // ainode_model_requests_total{model,server,namespace,pod,endpoint}
extern const MetricDesc kAppEndpointUp;       // ainode_app_endpoint_up{endpoint}
extern const MetricDesc kAppScrapeTimestamp;  // ainode_app_scrape_timestamp_seconds{endpoint}
extern const MetricDesc kAppScrapeDuration;   // ainode_app_scrape_duration_seconds{endpoint}
extern const MetricDesc kAppScrapeErrors;     // ainode_app_scrape_errors_total{endpoint,reason}
extern const MetricDesc kAppDiscoveredEndpoints;  // ainode_app_discovered_endpoints
extern const MetricDesc kAppDiscoveryErrors;      // ainode_app_discovery_errors_total{reason}

// The `endpoint` label of a model server: its URL without credentials
// (http://user:password@host/... must not end up in a label).
std::string endpoint_label(std::string_view url);

}  // namespace ainode
