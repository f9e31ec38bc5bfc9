#include "policy/power_budget.hpp"

#include <algorithm>

namespace ainode {

namespace {
constexpr double kIdleWeight = 0.1;
}

std::vector<BudgetShare> distribute_power_budget(double envelope_watts, const std::vector<BudgetGpu>& gpus) {
  std::vector<BudgetShare> shares;
  std::vector<double> watts(gpus.size()), weight(gpus.size());
  std::vector<bool> open(gpus.size(), true);
  double left = envelope_watts;
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    watts[i] = std::min(gpus[i].min_watts, gpus[i].max_watts);
    left -= watts[i];
    weight[i] = std::max(gpus[i].demand, 0.0) + kIdleWeight;
  }
  // Each round hands the rest out by weight; a GPU that reaches its maximum
  // is closed and the round repeats with what it could not take. At most
  // one round per GPU.
  for (std::size_t round = 0; round < gpus.size() && left > 1e-9; ++round) {
    double total_weight = 0;
    for (std::size_t i = 0; i < gpus.size(); ++i) {
      if (open[i]) total_weight += weight[i];
    }
    if (total_weight <= 0) break;
    double handed = 0;
    for (std::size_t i = 0; i < gpus.size(); ++i) {
      if (!open[i]) continue;
      double share = left * weight[i] / total_weight;
      double room = gpus[i].max_watts - watts[i];
      if (share >= room) {
        share = room;
        open[i] = false;
      }
      watts[i] += share;
      handed += share;
    }
    left -= handed;
  }
  for (std::size_t i = 0; i < gpus.size(); ++i) shares.push_back({gpus[i].uuid, watts[i]});
  return shares;
}

}  // namespace ainode
