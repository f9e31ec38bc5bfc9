#include "collectors/app/app_collector.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include <nlohmann/json.hpp>
#include <mutex>
#include <thread>

#include "collector_test_support.hpp"

namespace ainode {
namespace {

// A model server on a loopback port whose answer the test sets: status,
// body and a delay before answering (a hung server).
class FakeModelServer {
 public:
  FakeModelServer() {
    socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof where;
    if (bind(socket_, reinterpret_cast<sockaddr*>(&where), size) != 0 || listen(socket_, 16) != 0) throw std::runtime_error("bind");
    getsockname(socket_, reinterpret_cast<sockaddr*>(&where), &size);
    port_ = ntohs(where.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeModelServer() {
    stopping_ = true;
    thread_.join();
    close(socket_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/metrics"; }
  std::string port() const { return std::to_string(port_); }
  void answer(int status, std::string body, std::chrono::milliseconds delay = {}) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
    delay_ = delay;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd waiting{socket_, POLLIN, 0};
      if (poll(&waiting, 1, 50) <= 0) continue;
      int client = accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      char request[4096];
      (void)recv(client, request, sizeof request, 0);
      int status;
      std::string body;
      std::chrono::milliseconds delay;
      {
        std::lock_guard lock(mutex_);
        status = status_;
        body = body_;
        delay = delay_;
      }
      for (auto waited = std::chrono::milliseconds(0); waited < delay && !stopping_; waited += std::chrono::milliseconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      std::string response = "HTTP/1.0 " + std::to_string(status) + " X\r\nContent-Type: text/plain\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)send(client, response.data(), response.size(), MSG_NOSIGNAL);
      close(client);
    }
  }
  int socket_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  int status_ = 200;
  std::string body_;
  std::chrono::milliseconds delay_{0};
  std::thread thread_;
};

std::string vllm_page(double generation, double prompt) {
  return "# TYPE vllm:generation_tokens_total counter\n"
         "vllm:generation_tokens_total{model_name=\"llama\"} " + std::to_string(generation) + "\n"
         "vllm:prompt_tokens_total{model_name=\"llama\"} " + std::to_string(prompt) + "\n";
}

AppEndpoint endpoint(const std::string& url, std::string namespace_name = "", std::string pod = "") {
  AppEndpoint e;
  e.url = url;
  e.namespace_name = std::move(namespace_name);
  e.pod = std::move(pod);
  return e;
}

using testing::collect_until;
using testing::Collected;

TEST(AppCollector, CountsTokensPerModelFromTheFirstScrape) {
  FakeModelServer server;
  server.answer(200, vllm_page(1000, 300));
  AppCollector collector({endpoint(server.url(), "ml", "vllm-0")}, {}, std::chrono::seconds(2), 1 << 20,
                         std::chrono::milliseconds(50));
  auto first = collect_until(collector, [](const Collected& c) { return c.count("ainode_model_tokens_total") > 0; });
  EXPECT_EQ(first.value("ainode_app_endpoint_up"), 1);
  EXPECT_EQ(first.value("ainode_model_tokens_total", {{"model", "llama"}, {"type", "generation"}, {"pod", "vllm-0"},
                                                      {"namespace", "ml"}, {"server", "vllm"}}),
            0);
  server.answer(200, vllm_page(1600, 330));
  auto later = collect_until(collector, [](const Collected& c) {
    return c.value("ainode_model_tokens_total", {{"type", "generation"}}).value_or(0) > 0;
  });
  EXPECT_EQ(later.value("ainode_model_tokens_total", {{"type", "generation"}}), 600);
  EXPECT_EQ(later.value("ainode_model_tokens_total", {{"type", "prompt"}}), 30);
  EXPECT_GT(later.value("ainode_app_scrape_timestamp_seconds").value_or(0), 1.7e9);
  // The server restarts: its counters start over; ours go on.
  server.answer(200, vllm_page(50, 5));
  auto restarted = collect_until(collector, [](const Collected& c) {
    return c.value("ainode_model_tokens_total", {{"type", "generation"}}).value_or(0) > 600;
  });
  EXPECT_EQ(restarted.value("ainode_model_tokens_total", {{"type", "generation"}}), 650);
}

TEST(AppCollector, DownServerIsCountedSaidOnceAndItsSeriesAreAbsent) {
  FakeModelServer server;
  server.answer(200, vllm_page(10, 1));
  AppCollector collector({endpoint(server.url())}, {}, std::chrono::seconds(2), 1 << 20, std::chrono::milliseconds(50));
  collect_until(collector, [](const Collected& c) { return c.count("ainode_model_tokens_total") > 0; });
  server.answer(503, "loading model\n");
  auto down = collect_until(collector, [](const Collected& c) { return c.value("ainode_app_endpoint_up") == 0.0; });
  EXPECT_EQ(down.count("ainode_model_tokens_total"), 0u);  // absent, not zero
  EXPECT_EQ(down.count("ainode_app_scrape_timestamp_seconds"), 0u);
  EXPECT_GE(down.value("ainode_app_scrape_errors_total", {{"reason", "http_503"}}).value_or(0), 1);
  ASSERT_EQ(down.warnings.size(), 1u);
  EXPECT_NE(down.warnings[0].find("model server down"), std::string::npos);
  auto still_down = testing::collect_once(collector);
  EXPECT_TRUE(still_down.warnings.empty());  // said once
  server.answer(200, vllm_page(20, 1));
  auto back = collect_until(collector, [](const Collected& c) {
    return c.value("ainode_model_tokens_total", {{"type", "generation"}}).value_or(0) > 0;
  });
  EXPECT_EQ(back.value("ainode_model_tokens_total", {{"type", "generation"}}), 10);
}

TEST(AppCollector, SlowGarbageAndHugePagesAreErrorsOfThatEndpointOnly) {
  FakeModelServer slow, garbage, huge, good;
  slow.answer(200, vllm_page(1, 1), std::chrono::milliseconds(3000));
  garbage.answer(200, "<html><body>Not here</body></html>\n");
  huge.answer(200, std::string(300 * 1024, '#') + "\n" + vllm_page(1, 1));
  good.answer(200, vllm_page(5, 5));
  AppCollector collector({endpoint(slow.url()), endpoint(garbage.url()), endpoint(huge.url()), endpoint(good.url())}, {},
                         std::chrono::milliseconds(300), 256 * 1024, std::chrono::milliseconds(50));
  auto started = std::chrono::steady_clock::now();
  auto c = collect_until(collector, [&](const Collected& c) {
    return c.value("ainode_app_scrape_errors_total", {{"endpoint", slow.url()}, {"reason", "timeout"}}).has_value() &&
           c.count("ainode_model_tokens_total") > 0 &&
           c.value("ainode_app_scrape_errors_total", {{"endpoint", huge.url()}}).has_value();
  });
  EXPECT_EQ(c.value("ainode_app_endpoint_up", {{"endpoint", slow.url()}}), 0);
  EXPECT_EQ(c.value("ainode_app_endpoint_up", {{"endpoint", garbage.url()}}), 0);
  EXPECT_GE(c.value("ainode_app_scrape_errors_total", {{"endpoint", garbage.url()}, {"reason", "parse"}}).value_or(0), 1);
  EXPECT_GE(c.value("ainode_app_scrape_errors_total", {{"endpoint", huge.url()}, {"reason", "too_large"}}).value_or(0), 1);
  EXPECT_EQ(c.value("ainode_app_endpoint_up", {{"endpoint", good.url()}}), 1);
  EXPECT_TRUE(c.value("ainode_model_tokens_total", {{"endpoint", good.url()}, {"type", "generation"}}).has_value());
  // One collect never waits for a scrape: the hung server stales only itself.
  auto one = std::chrono::steady_clock::now();
  testing::collect_once(collector);
  EXPECT_LT(std::chrono::steady_clock::now() - one, std::chrono::milliseconds(100));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

// The kubelet's /pods as the discovery reads it: a list the test replaces.
class PodList {
 public:
  void set(std::vector<PodStatus> pods) {
    std::lock_guard lock(mutex_);
    pods_ = std::make_shared<const std::vector<PodStatus>>(std::move(pods));
  }
  AppCollector::PodListSource source() {
    return [this] {
      std::lock_guard lock(mutex_);
      return pods_;
    };
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const std::vector<PodStatus>> pods_;
};

PodStatus serving_pod(std::string name, std::string uid, std::string port) {
  PodStatus pod;
  pod.uid = std::move(uid);
  pod.namespace_name = "serving";
  pod.name = std::move(name);
  pod.phase = "Running";
  pod.pod_ip = "127.0.0.1";
  pod.annotations["ainode.io/metrics-port"] = std::move(port);
  return pod;
}

TEST(AppCollector, DiscoveredPodsAreScrapedAsThemselvesUntilTheyGo) {
  FakeModelServer server;
  server.answer(200, vllm_page(1000, 300));
  PodList pods;
  AppCollector collector({}, pods.source(), std::chrono::seconds(2), 1 << 20, std::chrono::milliseconds(50));
  auto before = testing::collect_once(collector);
  EXPECT_EQ(before.count("ainode_app_endpoint_up"), 0u) << "no /pods answer yet: nothing to scrape";
  EXPECT_EQ(before.value("ainode_app_discovered_endpoints"), 0);

  auto said_about_triton = [](const Collected& c) {
    std::size_t n = 0;
    for (const auto& w : c.warnings) n += w.find("pod serving/triton-0") != std::string::npos ? 1 : 0;
    return n;
  };
  pods.set({serving_pod("vllm-0", "uid-1", server.port()), serving_pod("triton-0", "uid-2", "metrics")});
  server.answer(200, vllm_page(1600, 330));
  std::size_t said = said_about_triton(testing::collect_once(collector));  // the answer is read here
  auto found = collect_until(collector, [](const Collected& c) { return c.count("ainode_model_tokens_total") > 0; });
  EXPECT_EQ(found.value("ainode_app_discovered_endpoints"), 1);
  EXPECT_EQ(found.value("ainode_model_tokens_total", {{"namespace", "serving"}, {"pod", "vllm-0"},
                                                      {"endpoint", server.url()}, {"type", "generation"}}),
            0);
  EXPECT_EQ(found.value("ainode_app_discovery_errors_total", {{"reason", "bad_port"}}), 1);
  ASSERT_TRUE(found.details);
  EXPECT_EQ(found.details->at("endpoints").at(0).at("source"), "kubelet");
  EXPECT_EQ(found.details->at("endpoints").at(0).at("pod"), "serving/vllm-0");
  EXPECT_EQ(found.details->at("discovery").at("rejected_pods").at(0).at("pod"), "serving/triton-0");

  // The same answer again, and a new answer with the same pods: the bad
  // annotation is said and counted once; the server keeps its counts.
  pods.set({serving_pod("vllm-0", "uid-1", server.port()), serving_pod("triton-0", "uid-2", "metrics")});
  server.answer(200, vllm_page(1700, 330));
  said += said_about_triton(testing::collect_once(collector));
  auto again = collect_until(collector, [](const Collected& c) {
    return c.value("ainode_model_tokens_total", {{"type", "generation"}}).value_or(0) > 0;
  });
  EXPECT_EQ(said, 1u);
  EXPECT_EQ(again.value("ainode_app_discovery_errors_total", {{"reason", "bad_port"}}), 1);
  EXPECT_EQ(again.value("ainode_model_tokens_total", {{"type", "generation"}}), 100);

  // The pod goes: its series go with it (not zero, not stale).
  pods.set({});
  auto gone = testing::collect_once(collector);
  EXPECT_EQ(gone.count("ainode_app_endpoint_up"), 0u);
  EXPECT_EQ(gone.count("ainode_model_tokens_total"), 0u);
  EXPECT_EQ(gone.value("ainode_app_discovered_endpoints"), 0);

  // Another pod at the same address counts from its own first answer.
  pods.set({serving_pod("vllm-1", "uid-3", server.port())});
  server.answer(200, vllm_page(5000, 400));
  auto next = collect_until(collector, [](const Collected& c) { return c.count("ainode_model_tokens_total") > 0; });
  EXPECT_EQ(next.value("ainode_model_tokens_total", {{"pod", "vllm-1"}, {"type", "generation"}}), 0);
  EXPECT_EQ(next.count("ainode_app_endpoint_up"), 1u);
}

TEST(AppCollector, ConfiguredUrlWinsOverTheSameDiscoveredOne) {
  FakeModelServer server;
  server.answer(200, vllm_page(10, 1));
  PodList pods;
  pods.set({serving_pod("vllm-0", "uid-1", server.port())});
  AppCollector collector({endpoint(server.url(), "ml", "configured-0")}, pods.source(), std::chrono::seconds(2), 1 << 20,
                         std::chrono::milliseconds(50));
  auto c = collect_until(collector, [](const Collected& c) { return c.count("ainode_model_tokens_total") > 0; });
  EXPECT_EQ(c.count("ainode_app_endpoint_up"), 1u);
  EXPECT_EQ(c.value("ainode_app_discovered_endpoints"), 0);
  EXPECT_TRUE(c.value("ainode_model_tokens_total", {{"pod", "configured-0"}, {"type", "generation"}}).has_value());
}

TEST(AppCollector, ADroppedServerStuckInAScrapeDoesNotHoldTheCycle) {
  FakeModelServer hung;
  hung.answer(200, vllm_page(1, 1), std::chrono::milliseconds(1500));
  PodList pods;
  pods.set({serving_pod("vllm-0", "uid-1", hung.port())});
  AppCollector collector({}, pods.source(), std::chrono::seconds(2), 1 << 20, std::chrono::milliseconds(50));
  testing::collect_once(collector);  // starts its scrape, which hangs
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  pods.set({});
  auto started = std::chrono::steady_clock::now();
  auto gone = testing::collect_once(collector);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  EXPECT_EQ(gone.value("ainode_app_discovered_endpoints"), 0);
}

TEST(ModelServerPage, EmptyPageIsUpWithoutCountersGarbageIsNotAPage) {
  EXPECT_TRUE(read_model_server_page("").is_exposition);
  EXPECT_TRUE(read_model_server_page("").counters.empty());
  EXPECT_FALSE(read_model_server_page("<html>\n<body>oops</body>\n").is_exposition);
  auto page = read_model_server_page(vllm_page(7, 3) + "this line is broken {\n");
  EXPECT_TRUE(page.is_exposition);
  EXPECT_EQ(page.malformed_lines, 1u);
  ASSERT_EQ(page.counters.size(), 1u);
  EXPECT_EQ(page.counters[0].generation_tokens, 7);
}

}  // namespace
}  // namespace ainode
