#include "dynlib/freeipmi_api.hpp"

#include "core/shared_library.hpp"

namespace ainode {

namespace {

LoadedApi<FreeIpmiApi> load_freeipmi() {
  LoadedApi<FreeIpmiApi> loaded;
  SharedLibrary library = open_shared_library({"libfreeipmi.so.17"}, "libfreeipmi17");
  FreeIpmiApi& a = loaded.api;
  library.bind(a.ctx_create, "ipmi_ctx_create");
  library.bind(a.ctx_open_inband, "ipmi_ctx_open_inband");
  library.bind(a.ctx_errormsg, "ipmi_ctx_errormsg");
  library.bind(a.cmd_raw, "ipmi_cmd_raw");
  library.bind(a.ctx_close, "ipmi_ctx_close");
  library.bind(a.ctx_destroy, "ipmi_ctx_destroy");
  library.bind(a.obj_create, "fiid_obj_create");
  library.bind(a.obj_destroy, "fiid_obj_destroy");
  library.bind(a.obj_set_all, "fiid_obj_set_all");
  library.bind(a.obj_get, "fiid_obj_get");
  library.bind(a.obj_packet_valid, "fiid_obj_packet_valid");
  library.bind(a.obj_errormsg, "fiid_obj_errormsg");
  library.bind(a.dcmi_get_power_reading_response, "tmpl_cmd_dcmi_get_power_reading_rs");
  loaded.error = library.problem("libfreeipmi");
  return loaded;
}

}  // namespace

const FreeIpmiApi* freeipmi_api(std::string& error) {
  static const LoadedApi<FreeIpmiApi> loaded = load_freeipmi();
  return loaded.get(error);
}

}  // namespace ainode
