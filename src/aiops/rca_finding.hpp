#pragma once
// A root-cause finding and its JSON, exactly as GET /v1/rca and the
// rca_finding event carry it (docs/rca.md).
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiops/rca_calibration.hpp"
#include "aiops/rca_evidence.hpp"

namespace ainode::aiops {

struct Finding {
  std::string id;
  std::string cause;
  double confidence = 0;  // calibrated, 0..1 (aiops/rca_calibration.hpp)
  double score = 0;       // sum of the evidence weights for the cause
  double margin = 0;      // score minus the best competing cause's
  ConfidenceFeatures features;  // what the confidence was computed from (not in the JSON)
  RcaSubject subject;
  std::chrono::system_clock::time_point start;  // when the episode began
  std::chrono::system_clock::time_point reported_at;
  std::optional<std::chrono::system_clock::time_point> end;  // set when the episode ends
  std::vector<Evidence> evidence;
  std::vector<std::pair<std::string, double>> alternatives;  // competing causes, best first, with their scores
  std::string action;
  bool open() const { return !end.has_value(); }
};

nlohmann::json finding_json(const Finding& finding);

// What to do about a cause (NVIDIA's XID catalogue for "xid"; `ours` for a
// power cap our own policy set).
std::string recommended_action(const std::string& cause, const std::vector<Evidence>& evidence);

}  // namespace ainode::aiops
