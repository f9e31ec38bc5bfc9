#include "collectors/gpu/gpu_metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace ainode;

// docs/gpu.md promises a `vendor` label on every per-GPU series, so a query
// such as sum by (vendor) works on any of them. The *_compat series copy
// another exporter's shape (label `gpu` only) and are exempt.
TEST(GpuMetricLabels, EveryPerGpuSeriesCarriesTheVendor) {
  for (const MetricDesc* desc : gpu_metric_descriptors()) {
    const auto& labels = desc->labels;
    bool per_gpu = std::find(labels.begin(), labels.end(), "uuid") != labels.end();
    if (!per_gpu || desc->name.ends_with("_compat")) continue;
    EXPECT_NE(std::find(labels.begin(), labels.end(), "vendor"), labels.end()) << desc->name;
  }
}
