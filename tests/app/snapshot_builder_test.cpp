#include "app/snapshot_builder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "app/family_lookup.hpp"

using namespace ainode;

namespace {
const MetricDesc kHwmon{"ainode_hwmon_power_watts", MetricType::gauge, "watts", "hwmon.", {"chip", "sensor", "label"}};

CycleResult cycle_with_power(double watts, std::uint64_t sequence) {
  CycleResult cycle;
  cycle.sequence = sequence;
  cycle.started_at = std::chrono::system_clock::now();
  MetricSet set;
  set.add(kHwmon, {"ACPI000D:00", "power1", ""}, watts);
  cycle.families = set.families();
  return cycle;
}
}  // namespace

TEST(SnapshotBuilder, NodePowerEnergyAndEnvelope) {
  SnapshotBuilder builder(std::chrono::system_clock::now(), 200.0);
  auto first = builder.build(cycle_with_power(245, 1));
  EXPECT_EQ(find_value(first->families, "ainode_node_power_watts", {{"source", "acpi_power_meter"}}), 245.0);
  EXPECT_EQ(find_value(first->families, "ainode_node_power_envelope_watts"), 200.0);
  EXPECT_EQ(find_value(first->families, "ainode_node_power_envelope_exceeded"), 1.0);
  EXPECT_EQ(find_value(first->families, "ainode_node_energy_joules_total"), 0.0);
  auto second = builder.build(cycle_with_power(150, 2));
  EXPECT_EQ(find_value(second->families, "ainode_node_power_envelope_exceeded"), 0.0);
  EXPECT_GT(*find_value(second->families, "ainode_node_energy_joules_total"), 0.0);
  EXPECT_EQ(second->summary.node_power_source, "acpi_power_meter");
}

TEST(SnapshotBuilder, NoEnvelopeNoEnvelopeSeries) {
  SnapshotBuilder builder(std::chrono::system_clock::now());
  auto snapshot = builder.build(cycle_with_power(245, 1));
  EXPECT_FALSE(find_value(snapshot->families, "ainode_node_power_envelope_exceeded"));
  EXPECT_TRUE(snapshot->prometheus_text->plain()->find("ainode_node_power_watts{source=\"acpi_power_meter\"} 245\n") !=
              std::string::npos);
}

namespace {
int connect_loopback(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  return fd;
}
}  // namespace

// Issue 17, defect 10: refusals at web.max_connections leave a trace in
// /metrics; a refused web config shows as ainode_web_config_reload_success 0.
TEST(SnapshotBuilder, HttpServerCountersBecomeSelfMetrics) {
  HttpServerOptions options{"127.0.0.1:0"};
  options.max_connections = 1;
  HttpServer server(options, [](const HttpRequest&) { return HttpResponse{}; });
  server.start();
  int held = connect_loopback(server.port());
  for (int i = 0; i < 300 && server.stats().connections_open < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  int refused = connect_loopback(server.port());
  for (int i = 0; i < 300 && server.stats().connections_rejected < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  SnapshotBuilder builder(std::chrono::system_clock::now());
  builder.set_http_server(&server);
  auto snapshot = builder.build(cycle_with_power(245, 1));
  EXPECT_EQ(find_value(snapshot->families, "ainode_http_connections_rejected_total"), 1.0);
  EXPECT_EQ(find_value(snapshot->families, "ainode_web_config_reload_success"), 1.0);
  ASSERT_TRUE(server.set_web_config(std::string(AINODE_SOURCE_DIR) + "/tests/fixtures/web/missing_cert.yml"));
  snapshot = builder.build(cycle_with_power(245, 2));
  EXPECT_EQ(find_value(snapshot->families, "ainode_web_config_reload_success"), 0.0);
  close(held);
  close(refused);
  server.stop();
  // Without a server, no HTTP series at all.
  SnapshotBuilder alone(std::chrono::system_clock::now());
  EXPECT_FALSE(find_value(alone.build(cycle_with_power(245, 1))->families, "ainode_http_connections_rejected_total"));
}
