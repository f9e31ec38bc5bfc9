#pragma once
// libfreeipmi, opened at run time (core/shared_library.hpp): only the bmc
// collector (off by default) talks IPMI, and a linked libfreeipmi costs
// every agent about 2 MiB of RSS. The header gives types and constants; the
// function types are taken from its declarations so they cannot drift.
extern "C" {
#include <freeipmi/api/ipmi-api.h>
#include <freeipmi/fiid/fiid.h>
}

#include <string>

namespace ainode {

struct FreeIpmiApi {
  decltype(&ipmi_ctx_create) ctx_create = nullptr;
  decltype(&ipmi_ctx_open_inband) ctx_open_inband = nullptr;
  decltype(&ipmi_ctx_errormsg) ctx_errormsg = nullptr;
  decltype(&ipmi_cmd_raw) cmd_raw = nullptr;
  decltype(&ipmi_ctx_close) ctx_close = nullptr;
  decltype(&ipmi_ctx_destroy) ctx_destroy = nullptr;
  // Decoding with the library's own packet templates (fiid).
  decltype(&fiid_obj_create) obj_create = nullptr;
  decltype(&fiid_obj_destroy) obj_destroy = nullptr;
  decltype(&fiid_obj_set_all) obj_set_all = nullptr;
  decltype(&fiid_obj_get) obj_get = nullptr;
  decltype(&fiid_obj_packet_valid) obj_packet_valid = nullptr;
  decltype(&fiid_obj_errormsg) obj_errormsg = nullptr;
  fiid_field_t* dcmi_get_power_reading_response = nullptr;  // tmpl_cmd_dcmi_get_power_reading_rs
};

// libfreeipmi.so.17, opened on the first call (thread safe); null with
// `error` set when it is absent or lacks a function.
const FreeIpmiApi* freeipmi_api(std::string& error);

}  // namespace ainode
