#include "collectors/app/model_totals.hpp"

#include <gtest/gtest.h>

#include "collectors/app/app_metrics.hpp"

namespace ainode {
namespace {

TEST(ResetAwareCounter, CountsFromTheFirstValueAndTakesADropAsARestart) {
  ResetAwareCounter counter;
  EXPECT_EQ(counter.observe(1000), 0);
  EXPECT_EQ(counter.observe(1500), 500);
  EXPECT_EQ(counter.observe(1500), 500);
  EXPECT_EQ(counter.observe(200), 700);  // the server restarted and counted 200 since
  EXPECT_EQ(counter.observe(260), 760);
}

TEST(ModelTotals, PerEndpointServerAndModel) {
  ModelTotalsAccumulator accumulator;
  ModelCounters llama{"vllm", "llama", 10, 100, std::nullopt};
  ModelCounters triton{"triton", "resnet", std::nullopt, std::nullopt, 5};
  accumulator.observe("http://a/metrics", {llama, triton});
  llama.generation_tokens = 160;
  llama.prompt_tokens = 4;  // restarted
  triton.requests = 9;
  auto totals = accumulator.observe("http://a/metrics", {llama, triton});
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].first, (ModelSeriesKey{"http://a/metrics", "vllm", "llama"}));
  EXPECT_EQ(totals[0].second.generation_tokens, 60);
  EXPECT_EQ(totals[0].second.prompt_tokens, 4);
  EXPECT_FALSE(totals[0].second.requests.has_value());
  EXPECT_EQ(totals[1].second.requests, 4);
  EXPECT_FALSE(totals[1].second.generation_tokens.has_value());  // Triton counts no tokens: unknown, not zero
  // Another endpoint serving the same model counts on its own.
  auto other = accumulator.observe("http://b/metrics", {llama});
  EXPECT_EQ(other[0].second.generation_tokens, 0);
}

TEST(EndpointLabel, DropsCredentials) {
  EXPECT_EQ(endpoint_label("http://127.0.0.1:8000/metrics"), "http://127.0.0.1:8000/metrics");
  EXPECT_EQ(endpoint_label("https://user:secret@vllm:8000/metrics"), "https://vllm:8000/metrics");
  EXPECT_EQ(endpoint_label("http://vllm:8000/a@b"), "http://vllm:8000/a@b");
}

}  // namespace
}  // namespace ainode
