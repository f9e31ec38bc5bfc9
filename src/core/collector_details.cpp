#include "core/collector_details.hpp"

#include <nlohmann/json.hpp>

#include "core/collector.hpp"

namespace ainode {

CollectorDetails::CollectorDetails(nlohmann::json value)
    : value_(std::make_unique<nlohmann::json>(std::move(value))) {}

CollectorDetails::CollectorDetails(std::function<nlohmann::json()> render) : render_(std::move(render)) {}

CollectorDetails::~CollectorDetails() = default;

const nlohmann::json& CollectorDetails::json() const {
  std::call_once(once_, [this] {
    if (!value_) {
      // A render that throws leaves an object that says why, not a
      // half-built page and not a silently missing section.
      try {
        value_ = std::make_unique<nlohmann::json>(render_());
      } catch (const std::exception& error) {
        value_ = std::make_unique<nlohmann::json>(
            nlohmann::json{{"details_error", std::string("rendering this section failed: ") + error.what()}});
      }
    }
    render_ = nullptr;  // what it captured is no longer needed
  });
  return *value_;
}

void CollectContext::set_details(nlohmann::json value) {
  details = std::make_shared<const CollectorDetails>(std::move(value));
}

}  // namespace ainode
