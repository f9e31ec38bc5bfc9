#pragma once
// Asks the BMC for a DCMI power reading on its own thread and interval, so a
// slow or wedged BMC (in-band IPMI requests can block for seconds in the
// kernel driver) never holds up a collection cycle. A request still
// outstanding past the timeout is reported as stuck; when it finally
// returns its answer is discarded and counted as a timeout. Destroying the
// poller while a request hangs leaves that one thread to finish on its own.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "collectors/power/bmc_transport.hpp"
#include "collectors/power/dcmi_power_reading_parser.hpp"

namespace ainode {

class BmcPoller {
 public:
  BmcPoller(std::unique_ptr<BmcTransport> transport, std::chrono::milliseconds interval,
            std::chrono::milliseconds timeout);
  ~BmcPoller();
  BmcPoller(const BmcPoller&) = delete;
  BmcPoller& operator=(const BmcPoller&) = delete;

  struct Status {
    std::optional<DcmiPowerReading> reading;  // the last good reading
    std::chrono::steady_clock::time_point reading_at;
    std::string last_error;  // of the last request; empty after a success
    std::optional<std::chrono::steady_clock::duration> stuck_for;  // outstanding past the timeout
    std::uint64_t answered = 0, failed = 0, timed_out = 0;
    bool asked_yet = false;  // a first request has completed
  };
  Status status() const;

 private:
  struct Shared;
  static void run(std::shared_ptr<Shared> shared);
  std::shared_ptr<Shared> shared_;
};

}  // namespace ainode
