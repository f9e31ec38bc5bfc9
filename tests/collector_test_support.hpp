#pragma once
// Shared by collector tests: the committed fixture tree and one-call
// collection.
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/family_lookup.hpp"
#include "core/collector.hpp"

namespace ainode::testing {

inline std::string fixture_path(const std::string& relative) {
  return std::string(AINODE_SOURCE_DIR) + "/tests/fixtures/" + relative;
}

inline HostFs fixture_fs() { return HostFs(fixture_path("proc"), fixture_path("sys"), fixture_path("rootfs")); }

struct Collected {
  MetricSet metrics;
  std::vector<std::string> warnings;
  std::shared_ptr<const nlohmann::json> details;

  std::optional<double> value(std::string_view name, std::initializer_list<LabelMatch> match = {}) const {
    return find_value(metrics.families(), name, match);
  }
  std::size_t count(std::string_view name) const {
    const Family* family = metrics.find(name);
    return family == nullptr ? 0 : family->samples.size();
  }
};

inline Collected collect_once(Collector& collector, const HostFs& fs = fixture_fs()) {
  CollectContext context{fs, std::chrono::system_clock::now(), std::chrono::steady_clock::now(), {}, nullptr, {}};
  Collected out;
  collector.collect(context, out.metrics);
  out.warnings = std::move(context.warnings);
  // Rendered here, as /v1/status would: a lazy render runs in every test.
  if (context.details) out.details = std::make_shared<const nlohmann::json>(context.details->json());
  return out;
}

// Collects until `done` holds or three seconds pass: for collectors whose
// source answers on a thread of its own (BMC, kubelet).
template <typename Done>
Collected collect_until(Collector& collector, Done done) {
  Collected c = collect_once(collector);
  for (int i = 0; i < 300 && !done(c); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    c = collect_once(collector);
  }
  return c;
}

}  // namespace ainode::testing
