#include "policy/power_budget.hpp"

#include <gtest/gtest.h>

#include <numeric>

using namespace ainode;

namespace {

double total(const std::vector<BudgetShare>& shares) {
  return std::accumulate(shares.begin(), shares.end(), 0.0, [](double s, const BudgetShare& b) { return s + b.watts; });
}

TEST(PowerBudget, SharesByDemandWithinTheEnvelope) {
  std::vector<BudgetGpu> gpus{{"a", 1.0, 200, 700}, {"b", 0.0, 200, 700}};
  auto shares = distribute_power_budget(900, gpus);
  EXPECT_NEAR(total(shares), 900, 1e-6);
  // 500 W left after the floors: by weight 1.1 : 0.1.
  EXPECT_NEAR(shares[0].watts, 200 + 500 * 1.1 / 1.2, 1e-6);
  EXPECT_NEAR(shares[1].watts, 200 + 500 * 0.1 / 1.2, 1e-6);
}

TEST(PowerBudget, AGpuAtItsMaximumHandsTheRestOn) {
  std::vector<BudgetGpu> gpus{{"a", 1.0, 100, 300}, {"b", 1.0, 100, 700}, {"c", 0.0, 100, 700}};
  auto shares = distribute_power_budget(1200, gpus);
  EXPECT_NEAR(shares[0].watts, 300, 1e-6);
  EXPECT_NEAR(total(shares), 1200, 1e-6);
  EXPECT_GT(shares[1].watts, shares[2].watts);
  for (const auto& s : shares) EXPECT_LE(s.watts, 700 + 1e-6);
}

TEST(PowerBudget, AnEnvelopeAboveEveryMaximumGivesEachItsMaximum) {
  std::vector<BudgetGpu> gpus{{"a", 0.5, 100, 300}, {"b", 0.1, 100, 400}};
  auto shares = distribute_power_budget(5000, gpus);
  EXPECT_NEAR(shares[0].watts, 300, 1e-6);
  EXPECT_NEAR(shares[1].watts, 400, 1e-6);
}

TEST(PowerBudget, BelowTheFloorsEveryGpuGetsItsFloor) {
  std::vector<BudgetGpu> gpus{{"a", 1.0, 200, 700}, {"b", 1.0, 200, 700}};
  auto shares = distribute_power_budget(300, gpus);
  EXPECT_DOUBLE_EQ(shares[0].watts, 200);
  EXPECT_DOUBLE_EQ(shares[1].watts, 200);
}

}  // namespace
