// Workload demand profiles.
#include <gtest/gtest.h>

#include "twin/workload.hpp"

using namespace ainode::twin;

TEST(Workload, Profiles) {
  Workload idle{.kind = WorkloadKind::idle};
  EXPECT_EQ(demand(idle, 10), 0.0);
  Workload constant{.kind = WorkloadKind::constant, .base = 0.7};
  EXPECT_EQ(demand(constant, 0), 0.7);
  EXPECT_EQ(demand(constant, 1e6), 0.7);
  Workload sine{.kind = WorkloadKind::sine, .base = 0.6, .amplitude = 0.2, .period_seconds = 120};
  EXPECT_NEAR(demand(sine, 30), 0.8, 1e-12);
  EXPECT_NEAR(demand(sine, 90), 0.4, 1e-12);
  Workload clamped{.kind = WorkloadKind::sine, .base = 0.9, .amplitude = 0.5, .period_seconds = 4};
  EXPECT_EQ(demand(clamped, 1), 1.0) << "demand never exceeds the whole GPU";
  Workload step{.kind = WorkloadKind::step, .base = 0.2, .after = 0.9, .step_at_seconds = 60};
  EXPECT_EQ(demand(step, 59.9), 0.2);
  EXPECT_EQ(demand(step, 60), 0.9);
}

TEST(Workload, TrainingComputesThenWaitsEachStep) {
  Workload w{.kind = WorkloadKind::training, .base = 0.95, .period_seconds = 2, .duty = 0.75};
  EXPECT_EQ(demand(w, 0.1), 0.95);
  EXPECT_EQ(demand(w, 1.4), 0.95);
  EXPECT_NEAR(demand(w, 1.6), 0.095, 1e-12) << "the all-reduce dip";
  EXPECT_EQ(demand(w, 2.1), 0.95) << "and the next step";
}

TEST(Workload, KindsByName) {
  WorkloadKind kind{};
  for (const char* name : {"idle", "constant", "sine", "step", "training"}) EXPECT_TRUE(parse_workload_kind(name, kind));
  EXPECT_TRUE(parse_workload_kind("training", kind));
  EXPECT_EQ(kind, WorkloadKind::training);
  EXPECT_FALSE(parse_workload_kind("bursty", kind));
}
