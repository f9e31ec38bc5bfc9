#pragma once
// Whole-node power as the BMC measures it at the wall side of the power
// supplies, through IPMI DCMI "Get Power Reading" (in-band, libfreeipmi).
// Off by default: not every node has a BMC with DCMI, and in-band IPMI
// needs /dev/ipmi0. Readings come from a BmcPoller on its own thread, so
// this collector never waits on the BMC.
#include <memory>
#include <string>

#include "collectors/power/bmc_poller.hpp"
#include "config/config.hpp"
#include "core/collector.hpp"

namespace ainode {

class BmcCollector : public Collector {
 public:
  explicit BmcCollector(const BmcConfig& config);
  // For tests: any transport (a fake BMC).
  BmcCollector(const BmcConfig& config, std::unique_ptr<BmcTransport> transport);

  std::string_view name() const override { return "bmc"; }
  std::vector<const MetricDesc*> describe() const override;
  void collect(CollectContext& context, MetricSet& out) override;

 private:
  BmcConfig config_;
  // The poller (and its first request) starts with the first collection, not
  // when the collector is built only to list its metrics.
  std::unique_ptr<BmcTransport> transport_;
  std::unique_ptr<BmcPoller> poller_;
  std::string said_;  // the last problem warned about: each is said once, not every cycle
};

}  // namespace ainode
