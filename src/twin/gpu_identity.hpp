#pragma once
// Where simulated GPU N sits on the PCI bus: the same address in the
// simulated NVML (nvmlPciInfo_t.busId) and in the host simulator's sysfs.
#include <cctype>
#include <cstdio>
#include <string>

namespace ainode::twin {

// "00000000:18:00.0": NVML's form, a 32-bit domain.
inline std::string gpu_bus_id(unsigned ordinal) {
  // The PCI buses of the eight GPUs of an HGX H100 baseboard, then onwards.
  static const unsigned buses[] = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};
  unsigned bus = ordinal < 8 ? buses[ordinal] : 0xe0 + ordinal;
  char text[32];
  std::snprintf(text, sizeof text, "00000000:%02X:00.0", bus & 0xff);
  return text;
}

// "0000:18:00.0": sysfs's form (/sys/bus/pci/devices), lower-case hex.
inline std::string gpu_sysfs_address(unsigned ordinal) {
  std::string id = gpu_bus_id(ordinal).substr(4);
  for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return id;
}

// "GPU-5a1d0003-0000-4000-8000-000000003000" for GPU 3; MIG devices use
// prefix "MIG" and their parent and position.
inline std::string twin_uuid(const char* prefix, unsigned a, unsigned b) {
  char text[64];
  std::snprintf(text, sizeof text, "%s-5a1d%04x-%04x-4000-8000-%012x", prefix, a, b, a * 4096 + b);
  return text;
}
inline std::string gpu_uuid(unsigned ordinal) { return twin_uuid("GPU", ordinal, 0); }

}  // namespace ainode::twin
