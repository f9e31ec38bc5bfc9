#pragma once
// How the BMC is asked. The real one talks in-band through the kernel's
// OpenIPMI driver (/dev/ipmi0) with libfreeipmi; tests substitute a fake
// that answers canned bytes, fails, or hangs.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace ainode {

// The raw answer (command byte first), or why there is none.
using BmcResponse = std::variant<std::vector<std::uint8_t>, std::string>;

class BmcTransport {
 public:
  virtual ~BmcTransport() = default;
  // Sends the DCMI Get Power Reading request. May block (a wedged BMC):
  // callers run it off the collection path.
  virtual BmcResponse get_power_reading() = 0;
};

// libfreeipmi in-band. The device is opened on first use and reopened after
// a failure, so a BMC that comes up after the agent is found.
std::unique_ptr<BmcTransport> make_freeipmi_transport(std::string device);

}  // namespace ainode
