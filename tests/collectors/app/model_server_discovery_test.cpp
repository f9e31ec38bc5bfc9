// Model-server discovery on the kubelet's /pods: which annotated pods make
// which URLs, which are rejected (and why), which wait for an IP.
#include "collectors/app/model_server_discovery.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "collector_test_support.hpp"

namespace ainode {
namespace {

PodStatus pod(std::string name, std::map<std::string, std::string> annotations, std::string ip = "10.0.0.7",
              std::string phase = "Running") {
  PodStatus p;
  p.uid = "uid-" + name;
  p.namespace_name = "ml";
  p.name = std::move(name);
  p.phase = std::move(phase);
  p.pod_ip = std::move(ip);
  p.annotations = std::move(annotations);
  return p;
}

TEST(ModelServerDiscovery, RecordedShapePodList) {
  std::ifstream file(testing::fixture_path("kubelet/pods_model_servers.json"));
  std::stringstream text;
  text << file.rdbuf();
  auto found = discover_model_servers(parse_kubelet_pods(text.str()));
  ASSERT_EQ(found.servers.size(), 3u);
  EXPECT_EQ(found.servers[0].endpoint.url, "http://10.244.3.21:8000/metrics");  // path and scheme default
  EXPECT_EQ(found.servers[0].endpoint.namespace_name, "serving");
  EXPECT_EQ(found.servers[0].endpoint.pod, "vllm-0");
  EXPECT_TRUE(found.servers[0].endpoint.gpus.empty());
  EXPECT_EQ(found.servers[0].pod_uid, "6a1f0c2e-0b1d-4d7e-9a55-3c9e1f2a7b01");
  EXPECT_EQ(found.servers[1].endpoint.url, "https://10.244.3.22:3000/tgi/metrics");
  EXPECT_EQ(found.servers[2].endpoint.url, "http://[fd00:10:244::5]:8080/metrics");
  ASSERT_EQ(found.rejected.size(), 2u);
  EXPECT_EQ(found.rejected[0].reason, "bad_port");
  EXPECT_EQ(found.rejected[0].pod, "triton-0");
  EXPECT_NE(found.rejected[0].message.find("pod serving/triton-0"), std::string::npos) << found.rejected[0].message;
  EXPECT_NE(found.rejected[0].message.find("ainode.io/metrics-port='metrics'"), std::string::npos);
  EXPECT_EQ(found.rejected[1].reason, "bad_scheme");
  EXPECT_EQ(found.waiting, 1u) << "sglang-0 is Pending without an IP";
}

TEST(ModelServerDiscovery, PortsMustBeNumbersInRange) {
  for (std::string bad : {"", "0", "65536", "080a", "-1", "+80", " 80", "123456", "8000/metrics"}) {
    auto found = discover_model_servers({pod("p", {{"ainode.io/metrics-port", bad}})});
    EXPECT_TRUE(found.servers.empty()) << bad;
    ASSERT_EQ(found.rejected.size(), 1u) << bad;
    EXPECT_EQ(found.rejected[0].reason, "bad_port");
  }
  for (std::string good : {"1", "80", "65535"}) {
    auto found = discover_model_servers({pod("p", {{"ainode.io/metrics-port", good}})});
    ASSERT_EQ(found.servers.size(), 1u) << good;
    EXPECT_EQ(found.servers[0].endpoint.url, "http://10.0.0.7:" + good + "/metrics");
  }
}

TEST(ModelServerDiscovery, PathsAndSchemes) {
  auto url_of = [](std::map<std::string, std::string> annotations) -> std::string {
    annotations["ainode.io/metrics-port"] = "9000";
    auto found = discover_model_servers({pod("p", std::move(annotations))});
    if (found.servers.empty()) return found.rejected.empty() ? "waiting" : "rejected:" + found.rejected[0].reason;
    return found.servers[0].endpoint.url;
  };
  EXPECT_EQ(url_of({{"ainode.io/metrics-path", "/v1/metrics?format=prometheus"}}),
            "http://10.0.0.7:9000/v1/metrics?format=prometheus");
  EXPECT_EQ(url_of({{"ainode.io/metrics-path", "metrics"}}), "rejected:bad_path");
  EXPECT_EQ(url_of({{"ainode.io/metrics-path", ""}}), "rejected:bad_path");
  EXPECT_EQ(url_of({{"ainode.io/metrics-path", "/a b"}}), "rejected:bad_path");
  EXPECT_EQ(url_of({{"ainode.io/metrics-path", "/@evil.example/"}}), "http://10.0.0.7:9000/@evil.example/")
      << "after the port, '@' is part of the path, not credentials";
  EXPECT_EQ(url_of({{"ainode.io/metrics-scheme", "https"}}), "https://10.0.0.7:9000/metrics");
  EXPECT_EQ(url_of({{"ainode.io/metrics-scheme", "HTTP"}}), "rejected:bad_scheme");
}

TEST(ModelServerDiscovery, PodsNotRunningOrWithoutAnAddressWait) {
  std::map<std::string, std::string> annotated{{"ainode.io/metrics-port", "8000"}};
  auto found = discover_model_servers({pod("pending", annotated, "", "Pending"), pod("done", annotated, "10.0.0.8", "Succeeded"),
                                       pod("no-ip", annotated, ""), pod("garbage-ip", annotated, "10.0.0.9/evil"),
                                       pod("not-annotated", {}), pod("ok", annotated, "10.0.0.10")});
  ASSERT_EQ(found.servers.size(), 1u);
  EXPECT_EQ(found.servers[0].endpoint.pod, "ok");
  EXPECT_EQ(found.waiting, 4u);
  EXPECT_TRUE(found.rejected.empty());
}

}  // namespace
}  // namespace ainode
