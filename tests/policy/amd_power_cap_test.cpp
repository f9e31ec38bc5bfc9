// The actuator's amdgpu backend on a throw-away sysfs tree: power1_cap in
// microwatts, within power1_cap_min..max, on the card at the GPU's PCI address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "policy/actuator.hpp"
#include "temp_tree.hpp"

using namespace ainode;
using ::testing::HasSubstr;

namespace {

class AmdPowerCap : public ::testing::Test {
 protected:
  AmdPowerCap() {
    tree_.write("sys/devices/pci0000:c0/0000:c1:00.0/hwmon/hwmon3/power1_cap", "300000000\n");
    tree_.write("sys/devices/pci0000:c0/0000:c1:00.0/hwmon/hwmon3/power1_cap_min", "100000000\n");
    tree_.write("sys/devices/pci0000:c0/0000:c1:00.0/hwmon/hwmon3/power1_cap_max", "300000000\n");
    tree_.mkdir("sys/class/drm/card1");
    std::filesystem::create_directory_symlink(tree_.path() / "sys/devices/pci0000:c0/0000:c1:00.0",
                                              tree_.path() / "sys/class/drm/card1/device");
    backend_ = make_driver_backend("/nonexistent/libnvidia-ml.so.1", (tree_.path() / "sys").string());
  }
  ActuationResult set(double watts, const std::string& pci = "0000:c1:00.0") {
    ActuationRequest r;
    r.uuid = "amdgpu-a1b2";
    r.vendor = "amd";
    r.pci_bus_id = pci;
    r.setting = GpuSetting::power(watts);
    return backend_->apply(r);
  }
  std::string cap() {
    std::ifstream in(tree_.path() / "sys/devices/pci0000:c0/0000:c1:00.0/hwmon/hwmon3/power1_cap");
    std::string text;
    std::getline(in, text);
    return text;
  }
  ainode::testing::TempTree tree_;
  std::unique_ptr<ActuatorBackend> backend_;
};

TEST_F(AmdPowerCap, WritesMicrowattsWithinTheCapRange) {
  auto result = set(225.5);
  EXPECT_EQ(result.code, ActuationCode::applied) << result.detail;
  EXPECT_EQ(cap(), "225500000");
  result = set(350);
  EXPECT_EQ(result.code, ActuationCode::failed);
  EXPECT_THAT(result.detail, HasSubstr("power1_cap_min..power1_cap_max"));
  EXPECT_EQ(cap(), "225500000");
}

TEST_F(AmdPowerCap, ClocksAndUnknownCardsAreUnsupported) {
  ActuationRequest clocks;
  clocks.vendor = "amd";
  clocks.pci_bus_id = "0000:c1:00.0";
  clocks.setting = GpuSetting::clocks(Knob::locked_clocks, 900, 1400);
  EXPECT_EQ(backend_->apply(clocks).code, ActuationCode::unsupported);
  EXPECT_EQ(set(200, "0000:99:00.0").code, ActuationCode::unsupported);
}

TEST_F(AmdPowerCap, NvidiaWithoutALoadableDriverIsUnsupported) {
  ActuationRequest r;
  r.uuid = "GPU-x";
  r.setting = GpuSetting::power(250);
  auto result = backend_->apply(r);
  EXPECT_EQ(result.code, ActuationCode::unsupported);
  EXPECT_THAT(result.detail, HasSubstr("cannot load /nonexistent/libnvidia-ml.so.1"));
}

}  // namespace
