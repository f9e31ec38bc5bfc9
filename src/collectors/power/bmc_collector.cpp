#include "collectors/power/bmc_collector.hpp"

#include <nlohmann/json.hpp>

namespace ainode {

namespace {
const MetricDesc kPower{"ainode_bmc_power_watts", MetricType::gauge, "watts",
                        "Node power from the BMC (IPMI DCMI): current, and minimum, maximum and average over the "
                        "BMC's statistics period.",
                        {"reading"}};
const MetricDesc kPeriod{"ainode_bmc_power_statistics_period_seconds", MetricType::gauge, "seconds",
                         "Window of the BMC's minimum, maximum and average power readings.", {}};
const MetricDesc kUp{"ainode_bmc_up", MetricType::gauge, "",
                     "1 when the BMC answered the last DCMI power request in time with a valid reading.", {}};
const MetricDesc kRequests{"ainode_bmc_requests_total", MetricType::counter, "",
                           "DCMI power requests to the BMC by outcome (ok, error, timeout).", {"result"}};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

BmcCollector::BmcCollector(const BmcConfig& config) : BmcCollector(config, make_freeipmi_transport(config.device)) {}

BmcCollector::BmcCollector(const BmcConfig& config, std::unique_ptr<BmcTransport> transport)
    : config_(config), transport_(std::move(transport)) {}

std::vector<const MetricDesc*> BmcCollector::describe() const { return {&kPower, &kPeriod, &kUp, &kRequests}; }

void BmcCollector::collect(CollectContext& context, MetricSet& out) {
  if (!poller_) poller_ = std::make_unique<BmcPoller>(std::move(transport_), config_.interval, config_.timeout);
  BmcPoller::Status status = poller_->status();
  // A reading older than a few intervals is no longer the node's power.
  auto stale_after = std::max(3 * config_.interval, config_.interval + 2 * config_.timeout);
  auto age = context.monotonic_time - status.reading_at;
  bool fresh = status.reading && age <= stale_after;

  std::string problem = status.stuck_for
                            ? "BMC request outstanding for " + std::to_string(static_cast<int>(seconds(*status.stuck_for))) +
                                  " s (bmc.timeout " + std::to_string(config_.timeout.count()) + " ms)"
                            : status.last_error;
  // The collector is off unless enabled: a BMC that is missing or stuck is a
  // configured integration failing, said once as a warning in the log.
  if (!problem.empty() && problem != said_) context.notice(NoticeLevel::warning, "bmc: " + problem);
  said_ = problem;

  if (fresh) {
    const DcmiPowerReading& r = *status.reading;
    out.add(kPower, {"current"}, r.current_watts);
    out.add(kPower, {"minimum"}, r.minimum_watts);
    out.add(kPower, {"maximum"}, r.maximum_watts);
    out.add(kPower, {"average"}, r.average_watts);
    out.add(kPeriod, {}, r.statistics_period_seconds);
  }
  if (status.asked_yet || status.stuck_for) {
    out.add(kUp, {}, fresh && problem.empty() ? 1 : 0);
  }
  out.add(kRequests, {"ok"}, static_cast<double>(status.answered));
  out.add(kRequests, {"error"}, static_cast<double>(status.failed));
  out.add(kRequests, {"timeout"}, static_cast<double>(status.timed_out));

  nlohmann::json details = {{"device", config_.device},
                            {"last_error", problem.empty() ? nlohmann::json() : nlohmann::json(problem)},
                            {"reading_age_seconds", status.reading ? nlohmann::json(seconds(age)) : nlohmann::json()},
                            {"requests", {{"ok", status.answered}, {"error", status.failed}, {"timeout", status.timed_out}}}};
  context.set_details(std::move(details));
}

}  // namespace ainode
