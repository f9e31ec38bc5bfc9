#include "app/audit_command.hpp"
#include "app/event_printer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace ainode;

TEST(EventPrinter, OneReadableLinePerEvent) {
  auto event = nlohmann::json::parse(R"j({"id":7,"time":"2026-12-01T23:28:55.452Z","type":"gpu_xid",
    "severity":"critical","subject":{"gpu":3,"uuid":"GPU-x"},"message":"GPU 3: XID 79 (GPU has fallen off the bus)",
    "payload":{"xid":79}})j");
  std::string line = format_event_line(event);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_TRUE(line.starts_with("2026-12-01T23:28:55.452Z  critical  gpu_xid")) << line;
  EXPECT_NE(line.find("GPU 3"), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with("GPU 3: XID 79 (GPU has fallen off the bus)")) << line;
}

TEST(EventPrinter, SubjectsOtherThanGpus) {
  auto collector = nlohmann::json::parse(
      R"({"time":"t","type":"collector_failed","severity":"warning","subject":{"collector":"loadavg"},"message":"m"})");
  EXPECT_NE(format_event_line(collector).find("collector loadavg"), std::string::npos);
  auto pod = nlohmann::json::parse(
      R"({"time":"t","type":"pod_evicted","severity":"warning","subject":{"namespace":"ml","pod":"trainer-0"},"message":"m"})");
  EXPECT_NE(format_event_line(pod).find("ml/trainer-0"), std::string::npos);
  EXPECT_EQ(format_event_line(nlohmann::json::array()), "[]") << "not an object: printed as it came";
}

TEST(AuditPrinter, IdentityActionResultAndChange) {
  std::string line = format_audit_line(
      R"({"time":"2026-12-01T10:00:00.000Z","request_id":"a-1","stage":"response","peer":"10.0.0.9",)"
      R"("identity":{"method":"token","subject":"bearer token"},"action":"reload","parameters":{},)"
      R"("result":"refused","status":401,"reason":"invalid bearer token","before":{"w":700},"after":{"w":250}})");
  EXPECT_TRUE(line.starts_with("2026-12-01T10:00:00.000Z  token bearer token@10.0.0.9")) << line;
  EXPECT_NE(line.find("reload"), std::string::npos);
  EXPECT_NE(line.find("refused"), std::string::npos);
  EXPECT_NE(line.find("HTTP 401"), std::string::npos);
  EXPECT_NE(line.find(R"({"w":700} -> {"w":250})"), std::string::npos) << line;
  EXPECT_NE(line.find("(invalid bearer token)"), std::string::npos);
  EXPECT_EQ(format_audit_line("{\"torn"), "");
}
