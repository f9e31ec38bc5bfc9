// The twin's model server text: vLLM's counter names, token counts from the
// simulated GPUs' delivered work, training GPUs left out.
#include <gtest/gtest.h>

#include "twin/model_server_metrics.hpp"

using ainode::twin::vllm_metrics;

TEST(ModelServerMetrics, TokensFollowTheInferenceGpusDeliveredWork) {
  auto text = vllm_metrics(R"({"time":20.0,"gpus":[
    {"gpu":0,"progress_unit":"tokens","progress_per_second":1800.0,"progress_total":36000.4},
    {"gpu":1,"progress_unit":"tokens","progress_per_second":1063.6,"progress_total":21000.0},
    {"gpu":2,"progress_unit":"steps","progress_per_second":0.5,"progress_total":10.0}]})");
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("# TYPE vllm:generation_tokens_total counter\n"), std::string::npos);
  EXPECT_NE(text->find("vllm:generation_tokens_total{model_name=\"sim-model\"} 57000\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("vllm:avg_generation_throughput_toks_per_s{model_name=\"sim-model\"} 2863.6\n"), std::string::npos)
      << *text;
  // 256 tokens a request: 57000 / 256 = 222.6 finished requests.
  EXPECT_NE(text->find("vllm:request_success_total{finished_reason=\"length\",model_name=\"sim-model\"} 222\n"),
            std::string::npos)
      << *text;
}

TEST(ModelServerMetrics, CountsCarriedForwardToTheRequestTimeForASecondAtMost) {
  std::string state = R"({"time":20.0,"gpus":[{"gpu":0,"progress_unit":"tokens","progress_per_second":1000.0,"progress_total":5000.0}]})";
  EXPECT_NE(vllm_metrics(state, 20.4)->find("generation_tokens_total{model_name=\"sim-model\"} 5400\n"), std::string::npos);
  EXPECT_NE(vllm_metrics(state, 27.0)->find("generation_tokens_total{model_name=\"sim-model\"} 6000\n"), std::string::npos);
  EXPECT_NE(vllm_metrics(state, 19.0)->find("generation_tokens_total{model_name=\"sim-model\"} 5000\n"), std::string::npos);
}

TEST(ModelServerMetrics, NoInferenceWorkloadNoSeriesAndGarbageIsRefused) {
  auto training = vllm_metrics(R"({"gpus":[{"gpu":0,"progress_unit":"steps","progress_total":3.0}]})");
  ASSERT_TRUE(training);
  EXPECT_EQ(*training, "");
  EXPECT_FALSE(vllm_metrics("not json"));
  EXPECT_FALSE(vllm_metrics(R"({"time":1})"));
}
