// Labels from what the physics applied (src/twin/physics_labels.hpp), on
// hand-made readings.
#include <gtest/gtest.h>

#include "twin/physics_labels.hpp"

using namespace ainode::twin;

namespace {

Fault fault(Cause kind, unsigned gpu, double from, double to) {
  Fault f;
  f.kind = kind;
  f.subject.gpu = gpu;
  f.from_seconds = from;
  f.to_seconds = to;
  return f;
}

// One reading a second over [0, 100): `bits(t)` gives the reason bits, the cap `limit(t)`.
template <typename Bits, typename Limit>
std::vector<ThrottleReading> series(Bits bits, Limit limit) {
  std::vector<ThrottleReading> out;
  for (int t = 0; t < 100; ++t) {
    ThrottleReading r;
    r.t = t;
    r.reasons = bits(t);
    r.enforced_limit_w = limit(t);
    r.default_limit_w = 700;
    out.push_back(r);
  }
  return out;
}

constexpr unsigned long long kSwPowerCap = 0x4, kSwThermal = 0x20;

}  // namespace

TEST(PhysicsLabels, OverlapIsLabelledWithTheCauseAppliedFirst) {
  Causes c;
  c.faults = {fault(Cause::thermal, 2, 10, 80), fault(Cause::power_cap, 2, 30, 90)};
  // The cooling fault starts first but the die only throttles at 50; the cap binds at 31.
  auto readings = series([](int t) { return (t >= 31 ? kSwPowerCap : 0) | (t >= 50 && t < 80 ? kSwThermal : 0); },
                         [](int t) { return t >= 30 && t < 90 ? 500.0 : 700.0; });
  auto labels = physics_labels(c, {{2, readings}}, 100);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].cause, Cause::power_cap);
  EXPECT_EQ(*labels[0].subject.gpu, 2u);
  EXPECT_EQ(labels[0].from_seconds, 10);  // the episode: both faults' windows
  EXPECT_EQ(labels[0].to_seconds, 90);
}

TEST(PhysicsLabels, AtTheBoardsOwnLimitIsNotACap) {
  Causes c;
  c.faults = {fault(Cause::power_cap, 0, 20, 60)};
  // SW power cap with the enforced limit at the default: the board's limit, not the fault's.
  auto readings = series([](int) { return kSwPowerCap; }, [](int) { return 700.0; });
  auto labels = physics_labels(c, {{0, readings}}, 100);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].cause, Cause::none);  // nothing applied: a healthy run
  EXPECT_EQ(labels[0].to_seconds, 100);
}

TEST(PhysicsLabels, TieGoesToTheCauseAppliedLonger) {
  Causes c;
  c.faults = {fault(Cause::thermal, 1, 20, 60), fault(Cause::power_cap, 1, 20, 60)};
  auto readings = series([](int t) { return (t >= 21 && t < 30 ? kSwPowerCap : 0) | (t >= 21 && t < 60 ? kSwThermal : 0); },
                         [](int t) { return t >= 20 && t < 60 ? 600.0 : 700.0; });
  auto labels = physics_labels(c, {{1, readings}}, 100);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].cause, Cause::thermal);
}

TEST(PhysicsLabels, OtherFaultsAreLabelledAsDeclared) {
  Causes c;
  c.faults = {fault(Cause::nvlink_errors, 4, 30, 70), fault(Cause::thermal, 5, 0, 50)};
  Fault host;
  host.kind = Cause::cpu_contention;
  host.from_seconds = 10;
  host.to_seconds = 40;
  c.faults.push_back(host);
  // GPU 5's hot spell never throttles it: no label for it.
  auto labels = physics_labels(c, {{5, series([](int) { return 0ull; }, [](int) { return 700.0; })}}, 100);
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].cause, Cause::nvlink_errors);
  EXPECT_EQ(labels[1].cause, Cause::cpu_contention);
}

TEST(PhysicsLabels, ALostGpuIsThermalsWhenItOverheated) {
  ThrottleReading r;
  r.lost = true;
  EXPECT_TRUE(throttle_applied(Cause::thermal, r));
  EXPECT_FALSE(throttle_applied(Cause::power_cap, r));
}
