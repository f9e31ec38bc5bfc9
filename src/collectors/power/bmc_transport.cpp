#include "collectors/power/bmc_transport.hpp"

extern "C" {
#include <freeipmi/spec/ipmi-ipmb-lun-spec.h>
}

#include <optional>

#include "collectors/power/dcmi_power_reading_parser.hpp"
#include "dynlib/freeipmi_api.hpp"

namespace ainode {

namespace {

class FreeIpmiTransport : public BmcTransport {
 public:
  explicit FreeIpmiTransport(std::string device) : device_(std::move(device)) {}
  ~FreeIpmiTransport() override { close(); }

  BmcResponse get_power_reading() override {
    if (context_ == nullptr) {
      if (auto error = open()) return *error;
    }
    const FreeIpmiApi& ipmi = *api_;
    auto request = dcmi_power_reading_request();
    std::vector<std::uint8_t> answer(64);
    int length = ipmi.cmd_raw(context_, IPMI_BMC_IPMB_LUN_BMC, kDcmiNetFunction, request.data(),
                              static_cast<unsigned>(request.size()), answer.data(), static_cast<unsigned>(answer.size()));
    if (length < 0) {
      std::string error = std::string("IPMI request on ") + device_ + " failed: " + ipmi.ctx_errormsg(context_);
      close();  // reopened next time: the driver may have been reloaded
      return error;
    }
    answer.resize(static_cast<std::size_t>(length));
    return answer;
  }

 private:
  std::optional<std::string> open() {
    std::string load_error;
    api_ = freeipmi_api(load_error);
    if (api_ == nullptr) return "bmc: " + load_error;
    context_ = api_->ctx_create();
    if (context_ == nullptr) return std::string("cannot create an IPMI context");
    if (api_->ctx_open_inband(context_, IPMI_DEVICE_OPENIPMI, 0, 0, 0, device_.c_str(), 0, 0) < 0) {
      std::string error = "no in-band IPMI interface at " + device_ + ": " + api_->ctx_errormsg(context_) +
                          " (is the ipmi_devintf module loaded, and the device readable?)";
      close();
      return error;
    }
    return std::nullopt;
  }
  void close() {
    if (context_ == nullptr) return;
    api_->ctx_close(context_);
    api_->ctx_destroy(context_);
    context_ = nullptr;
  }

  std::string device_;
  const FreeIpmiApi* api_ = nullptr;  // loaded on first use: the bmc collector may never run
  ipmi_ctx_t context_ = nullptr;
};

}  // namespace

std::unique_ptr<BmcTransport> make_freeipmi_transport(std::string device) {
  return std::make_unique<FreeIpmiTransport>(std::move(device));
}

}  // namespace ainode
