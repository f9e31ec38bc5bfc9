// The BMC collector: DCMI answers decoded with libfreeipmi's template from
// raw bytes, and a fake BMC that answers, fails, garbles or hangs.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "collector_test_support.hpp"
#include "collectors/power/bmc_collector.hpp"
#include "collectors/power/dcmi_power_reading_parser.hpp"

using namespace ainode;
using namespace ainode::testing;
using namespace std::chrono_literals;

namespace {

// cmd 0x02, completion 0, group 0xDC, current 420 W, min 300, max 650,
// average 410, BMC time 0x65600000, period 1000 ms, state: measurement active.
const std::vector<std::uint8_t> kAnswer = {0x02, 0x00, 0xDC, 0xA4, 0x01, 0x2C, 0x01, 0x8A, 0x02, 0x9A,
                                           0x01, 0x00, 0x00, 0x60, 0x65, 0xE8, 0x03, 0x00, 0x00, 0x40};

std::string error_of(const DcmiPowerAnswer& answer) {
  auto* error = std::get_if<std::string>(&answer);
  return error ? *error : "";
}

}  // namespace

TEST(DcmiPowerReading, DecodesEveryField) {
  auto answer = parse_dcmi_power_reading(kAnswer);
  ASSERT_TRUE(std::holds_alternative<DcmiPowerReading>(answer)) << error_of(answer);
  const auto& r = std::get<DcmiPowerReading>(answer);
  EXPECT_EQ(r.current_watts, 420);
  EXPECT_EQ(r.minimum_watts, 300);
  EXPECT_EQ(r.maximum_watts, 650);
  EXPECT_EQ(r.average_watts, 410);
  EXPECT_EQ(r.bmc_timestamp, 0x65600000u);
  EXPECT_DOUBLE_EQ(r.statistics_period_seconds, 1.0);
}

TEST(DcmiPowerReading, CompletionCodesAreNamed) {
  EXPECT_NE(error_of(parse_dcmi_power_reading(std::vector<std::uint8_t>{0x02, 0xC1})).find("0xC1 (invalid command"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dcmi_power_reading(std::vector<std::uint8_t>{0x02, 0xD5})).find("0xD5"), std::string::npos);
}

TEST(DcmiPowerReading, InactiveMeasurementIsNotAReading) {
  auto inactive = kAnswer;
  inactive.back() = 0x00;
  EXPECT_NE(error_of(parse_dcmi_power_reading(inactive)).find("not active"), std::string::npos);
}

TEST(DcmiPowerReading, GarbageShortAndForeignAnswersAreErrors) {
  EXPECT_FALSE(error_of(parse_dcmi_power_reading(std::vector<std::uint8_t>{})).empty());
  EXPECT_FALSE(error_of(parse_dcmi_power_reading(std::vector<std::uint8_t>{0x02})).empty());
  auto truncated = std::vector<std::uint8_t>(kAnswer.begin(), kAnswer.begin() + 9);
  EXPECT_NE(error_of(parse_dcmi_power_reading(truncated)).find("too short"), std::string::npos);
  auto other_group = kAnswer;
  other_group[2] = 0xAB;
  EXPECT_NE(error_of(parse_dcmi_power_reading(other_group)).find("DCMI"), std::string::npos);
  auto other_command = kAnswer;
  other_command[0] = 0x07;
  EXPECT_FALSE(error_of(parse_dcmi_power_reading(other_command)).empty());
  EXPECT_FALSE(error_of(parse_dcmi_power_reading(std::vector<std::uint8_t>(200, 0xFF))).empty());
}

TEST(DcmiPowerReading, RequestIsGetPowerReadingInSystemStatisticsMode) {
  auto request = dcmi_power_reading_request();
  ASSERT_EQ(request.size(), 5u);
  EXPECT_EQ(request[0], 0x02);  // command
  EXPECT_EQ(request[1], 0xDC);  // DCMI group
  EXPECT_EQ(request[2], 0x01);  // system power statistics
}

namespace {

// A BMC whose next answers the test decides; it can also hang until released.
class FakeBmc : public BmcTransport {
 public:
  struct Control {
    std::mutex mutex;
    std::condition_variable released;
    BmcResponse answer = kAnswer;
    bool hang = false;
    int requests = 0;
  };
  explicit FakeBmc(std::shared_ptr<Control> control) : control_(std::move(control)) {}
  BmcResponse get_power_reading() override {
    std::unique_lock lock(control_->mutex);
    ++control_->requests;
    control_->released.wait(lock, [&] { return !control_->hang; });
    return control_->answer;
  }

 private:
  std::shared_ptr<Control> control_;
};

BmcConfig fast_config() {
  BmcConfig config;
  config.interval = 50ms;
  config.timeout = 100ms;
  return config;
}

}  // namespace

TEST(BmcCollector, ExportsTheReadingsAndCountsRequests) {
  auto control = std::make_shared<FakeBmc::Control>();
  BmcCollector collector(fast_config(), std::make_unique<FakeBmc>(control));
  auto c = collect_until(collector, [](const Collected& c) { return c.value("ainode_bmc_up").value_or(0) == 1; });
  EXPECT_EQ(c.value("ainode_bmc_up"), 1);
  EXPECT_EQ(c.value("ainode_bmc_power_watts", {{"reading", "current"}}), 420);
  EXPECT_EQ(c.value("ainode_bmc_power_watts", {{"reading", "minimum"}}), 300);
  EXPECT_EQ(c.value("ainode_bmc_power_watts", {{"reading", "maximum"}}), 650);
  EXPECT_EQ(c.value("ainode_bmc_power_watts", {{"reading", "average"}}), 410);
  EXPECT_EQ(c.value("ainode_bmc_power_statistics_period_seconds"), 1.0);
  EXPECT_GE(c.value("ainode_bmc_requests_total", {{"result", "ok"}}).value_or(0), 1);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(BmcCollector, NoDeviceIsSaidOnceAndExportsNoPower) {
  auto control = std::make_shared<FakeBmc::Control>();
  control->answer = std::string("no in-band IPMI interface at /dev/ipmi0: could not find inband device");
  BmcCollector collector(fast_config(), std::make_unique<FakeBmc>(control));
  auto first = collect_until(collector, [](const Collected& c) { return c.value("ainode_bmc_up").has_value(); });
  EXPECT_EQ(first.value("ainode_bmc_up"), 0);
  EXPECT_FALSE(first.value("ainode_bmc_power_watts", {{"reading", "current"}}).has_value());
  ASSERT_EQ(first.warnings.size(), 1u);
  EXPECT_NE(first.warnings[0].find("/dev/ipmi0"), std::string::npos);
  std::this_thread::sleep_for(120ms);  // more failed requests, same problem
  auto later = collect_once(collector);
  EXPECT_TRUE(later.warnings.empty()) << "said once, not every cycle";
  EXPECT_GE(later.value("ainode_bmc_requests_total", {{"result", "error"}}).value_or(0), 2);
}

TEST(BmcCollector, HungBmcIsReportedWithoutBlockingAndRecovers) {
  auto control = std::make_shared<FakeBmc::Control>();
  control->hang = true;
  auto collector = std::make_unique<BmcCollector>(fast_config(), std::make_unique<FakeBmc>(control));
  auto started = std::chrono::steady_clock::now();
  auto stuck = collect_until(*collector, [](const Collected& c) { return c.value("ainode_bmc_up").has_value(); });
  EXPECT_EQ(stuck.value("ainode_bmc_up"), 0);
  ASSERT_EQ(stuck.warnings.size(), 1u);
  EXPECT_NE(stuck.warnings[0].find("outstanding"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "collection never waits on the BMC";
  {
    std::lock_guard lock(control->mutex);
    control->hang = false;
  }
  control->released.notify_all();
  // The late answer is discarded as a timeout; the next one is good again.
  auto recovered =
      collect_until(*collector, [](const Collected& c) { return c.value("ainode_bmc_up").value_or(0) == 1; });
  EXPECT_EQ(recovered.value("ainode_bmc_up"), 1);
  EXPECT_EQ(recovered.value("ainode_bmc_requests_total", {{"result", "timeout"}}), 1);
}

TEST(BmcCollector, DestroyedWhileTheBmcHangs) {
  auto control = std::make_shared<FakeBmc::Control>();
  control->hang = true;
  {
    BmcCollector collector(fast_config(), std::make_unique<FakeBmc>(control));
    collect_until(collector, [&](const Collected&) {
      std::lock_guard lock(control->mutex);
      return control->requests > 0;
    });
  }  // must not block on the hung request
  {
    std::lock_guard lock(control->mutex);
    control->hang = false;
  }
  control->released.notify_all();
  std::this_thread::sleep_for(50ms);  // the left thread finishes on its own
}

// The agent logs notices: a BMC enabled but missing must be a warning there,
// not a debug line.
TEST(BmcCollector, NoDeviceIsAWarningForTheLog) {
  auto control = std::make_shared<FakeBmc::Control>();
  control->answer = std::string("no in-band IPMI interface at /dev/ipmi0: could not find inband device");
  BmcCollector collector(fast_config(), std::make_unique<FakeBmc>(control));
  const HostFs& fs = fixture_fs();
  std::vector<Notice> notices;
  for (int i = 0; i < 300 && notices.empty(); ++i) {
    CollectContext context{fs, std::chrono::system_clock::now(), std::chrono::steady_clock::now(), {}, nullptr, {}};
    MetricSet out;
    collector.collect(context, out);
    notices = std::move(context.notices);
    if (notices.empty()) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].level, NoticeLevel::warning);
  EXPECT_NE(notices[0].message.find("/dev/ipmi0"), std::string::npos) << notices[0].message;
}

TEST(BmcCollector, RealTransportWithoutTheDeviceNamesIt) {
  BmcConfig config = fast_config();
  config.device = "/nonexistent/ipmi0";
  BmcCollector collector(config);
  auto c = collect_until(collector, [](const Collected& c) { return c.value("ainode_bmc_up").has_value(); });
  EXPECT_EQ(c.value("ainode_bmc_up"), 0);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("/nonexistent/ipmi0"), std::string::npos) << c.warnings[0];
  EXPECT_EQ((*c.details)["device"], "/nonexistent/ipmi0");
}
