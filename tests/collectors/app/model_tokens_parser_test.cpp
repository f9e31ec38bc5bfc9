#include "collectors/app/model_tokens_parser.hpp"

#include <gtest/gtest.h>

namespace ainode {
namespace {

std::vector<ModelCounters> extract(std::string_view text) { return extract_model_counters(parse_exposition(text)); }

TEST(ModelTokens, VllmPerModelSummedOverEnginesAndReasons) {
  auto counters = extract(
      "vllm:prompt_tokens_total{engine=\"0\",model_name=\"llama\"} 100\n"
      "vllm:prompt_tokens_total{engine=\"1\",model_name=\"llama\"} 50\n"
      "vllm:generation_tokens_total{engine=\"0\",model_name=\"llama\"} 400\n"
      "vllm:request_success_total{finished_reason=\"stop\",model_name=\"llama\"} 9\n"
      "vllm:request_success_total{finished_reason=\"length\",model_name=\"llama\"} 1\n"
      "vllm:prompt_tokens_total{engine=\"0\",model_name=\"qwen\"} 7\n"
      "vllm:num_requests_running{model_name=\"llama\"} 3\n");
  ASSERT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters[0].server, "vllm");
  EXPECT_EQ(counters[0].model, "llama");
  EXPECT_EQ(counters[0].prompt_tokens, 150);
  EXPECT_EQ(counters[0].generation_tokens, 400);
  EXPECT_EQ(counters[0].requests, 10);
  EXPECT_EQ(counters[1].model, "qwen");
  EXPECT_EQ(counters[1].prompt_tokens, 7);
  EXPECT_FALSE(counters[1].generation_tokens.has_value());
}

TEST(ModelTokens, SglangLlamaCppAndTgi) {
  auto sglang = extract("sglang:prompt_tokens_total{model_name=\"m\",tp_rank=\"0\"} 5\n"
                        "sglang:generation_tokens_total{model_name=\"m\",tp_rank=\"0\"} 6\n");
  ASSERT_EQ(sglang.size(), 1u);
  EXPECT_EQ(sglang[0].prompt_tokens, 5);
  EXPECT_EQ(sglang[0].generation_tokens, 6);

  auto llama = extract("llamacpp:prompt_tokens_total 11\nllamacpp:tokens_predicted_total 22\n");
  ASSERT_EQ(llama.size(), 1u);
  EXPECT_EQ(llama[0].server, "llamacpp");
  EXPECT_EQ(llama[0].model, "");
  EXPECT_EQ(llama[0].generation_tokens, 22);

  // TGI has histograms only: the _sum series are the token totals.
  auto tgi = extract("tgi_request_generated_tokens_bucket{le=\"10\"} 3\n"
                     "tgi_request_generated_tokens_sum 812\n"
                     "tgi_request_generated_tokens_count 4\n"
                     "tgi_request_input_length_sum 90\n"
                     "tgi_request_success 4\n");
  ASSERT_EQ(tgi.size(), 1u);
  EXPECT_EQ(tgi[0].generation_tokens, 812);
  EXPECT_EQ(tgi[0].prompt_tokens, 90);
  EXPECT_EQ(tgi[0].requests, 4);
}

TEST(ModelTokens, TritonAndTensorRtLlmHaveRequestsButTokensUnknown) {
  auto counters = extract(
      "nv_inference_request_success{model=\"resnet\",version=\"1\"} 10\n"
      "nv_inference_request_success{model=\"resnet\",version=\"2\"} 5\n"
      "nv_inference_count{model=\"resnet\",version=\"1\"} 80\n"
      "trtllm_request_success_total{model_name=\"llama\",engine_type=\"trtllm\",finished_reason=\"stop\"} 3\n");
  ASSERT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters[0].server, "triton");
  EXPECT_EQ(counters[0].requests, 15);
  EXPECT_FALSE(counters[0].prompt_tokens.has_value());
  EXPECT_FALSE(counters[0].generation_tokens.has_value());
  EXPECT_EQ(counters[1].server, "trtllm");
  EXPECT_EQ(counters[1].requests, 3);
}

TEST(ModelTokens, IgnoresSamplesWithoutTheModelLabelOrWithNonCounterValues) {
  auto counters = extract("vllm:prompt_tokens_total{engine=\"0\"} 5\n"
                          "vllm:generation_tokens_total{model_name=\"m\"} NaN\n"
                          "vllm:generation_tokens_total{model_name=\"m\"} -1\n"
                          "unrelated_total 9\n");
  EXPECT_TRUE(counters.empty());
}

}  // namespace
}  // namespace ainode
