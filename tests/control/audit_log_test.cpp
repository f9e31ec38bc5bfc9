#include "control/audit_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_tree.hpp"

using namespace ainode;
using ainode::testing::TempTree;

namespace {

AuditRecord record(std::string action, std::string result = "ok") {
  AuditRecord r;
  r.time = std::chrono::system_clock::now();
  r.request_id = "r-1";
  r.stage = "response";
  r.identity = {AuthMethod::token, "bearer token", "10.0.0.9"};
  r.action = std::move(action);
  r.parameters = {{"mode", "enforce"}};
  r.result = std::move(result);
  r.status = 200;
  r.before = {{"power_limit_watts", 700}};
  r.after = {{"power_limit_watts", 250}};
  return r;
}

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST(AuditLog, AppendsOneJsonLinePerRecordThatReadsBack) {
  TempTree tree;
  std::string path = (tree.path() / "state/audit.log").string();
  AuditLog log({path, 1 << 20, 3});
  ASSERT_TRUE(log.append(record("reload")));
  ASSERT_TRUE(log.append(record("policy_mode", "refused")));
  auto written = lines(path);
  ASSERT_EQ(written.size(), 2u);
  auto back = audit_record_from_json(written[0]);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->action, "reload");
  EXPECT_EQ(back->identity.method, AuthMethod::token);
  EXPECT_EQ(back->identity.peer, "10.0.0.9");
  EXPECT_EQ(back->before["power_limit_watts"], 700);
  EXPECT_EQ(back->after["power_limit_watts"], 250);
  EXPECT_EQ(back->parameters["mode"], "enforce");
  EXPECT_EQ(audit_record_from_json(written[1])->result, "refused");
  EXPECT_EQ(log.records_written(), 2u);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST(AuditLog, RotatesBySizeKeepingN) {
  TempTree tree;
  std::string path = (tree.path() / "audit.log").string();
  AuditLog log({path, 600, 2});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log.append(record("reload")));
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  EXPECT_LE(std::filesystem::file_size(path), 600u);
  std::size_t total = lines(path).size() + lines(path + ".1").size() + lines(path + ".2").size();
  EXPECT_GE(total, 3u);
}

TEST(AuditLog, AFullDiskFailsTheAppendAndSaysWhy) {
  // /dev/full answers every write with ENOSPC, as a full filesystem does.
  AuditLog log({"/dev/full", 1 << 20, 0});
  std::string error;
  EXPECT_FALSE(log.append(record("reload"), &error));
  EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
  EXPECT_EQ(log.write_errors(), 1u);
  EXPECT_EQ(log.records_written(), 0u);
}

TEST(AuditLog, AnUnwritableDirectoryFails) {
  AuditLog log({"/proc/ainode-no-such/audit.log", 1 << 20, 1});
  std::string error;
  EXPECT_FALSE(log.append(record("reload"), &error));
  EXPECT_NE(error.find("/proc/ainode-no-such/audit.log"), std::string::npos) << error;
}

TEST(AuditLog, NoPathConfiguredFails) {
  AuditLog log({"", 1 << 20, 1});
  std::string error;
  EXPECT_FALSE(log.append(record("reload"), &error));
  EXPECT_NE(error.find("control.audit_log"), std::string::npos);
}

TEST(AuditLog, ATornLineIsNotARecord) {
  EXPECT_FALSE(audit_record_from_json(R"({"time":"2026-12-01T10:00:00.000Z","action":"rel)"));
  EXPECT_FALSE(audit_record_from_json("garbage"));
  EXPECT_FALSE(audit_record_from_json(R"({"action":"reload"})"));
  EXPECT_TRUE(audit_record_from_json(R"({"time":"2026-12-01T10:00:00.000Z","action":"reload","extra":1})"));
}
