#include "config/settings.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config/duration.hpp"
#include "config/listen_address.hpp"

using namespace ainode;

namespace {

std::vector<Setting> test_settings() { return make_settings({{"cpu", true}, {"memory", true}}); }

// CTest runs each test case as its own process, in parallel: names carry the pid.
std::string write_file(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() /
              ("ainode-settings-" + name + "-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << content;
  return path.string();
}

std::string load_error(const std::string& toml, std::map<std::string, std::string> env = {}, FlagValues flags = {}) {
  try {
    load_config(test_settings(), write_file("error", toml), env, flags);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(parse_duration("5s"), Duration(5000));
  EXPECT_EQ(parse_duration("500ms"), Duration(500));
  EXPECT_EQ(parse_duration("1m30s"), Duration(90000));
  EXPECT_EQ(parse_duration("2h"), Duration(7'200'000));
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_EQ(parse_duration("0"), Duration(0));  // "(0 = every cycle)" in --help must be accepted
  EXPECT_FALSE(parse_duration("00"));
  EXPECT_FALSE(parse_duration("0 "));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("5x"));
  EXPECT_FALSE(parse_duration("99999999999999999999h"));
  EXPECT_EQ(format_duration(Duration(5000)), "5s");
  EXPECT_EQ(format_duration(Duration(1500)), "1500ms");
  EXPECT_EQ(format_duration(Duration(120000)), "2m");
}

TEST(ListenAddress, Forms) {
  EXPECT_EQ(parse_listen_address("0.0.0.0:9100")->port, 9100);
  EXPECT_EQ(parse_listen_address(":9100")->host, "");
  EXPECT_EQ(parse_listen_address("[::1]:80")->host, "::1");
  EXPECT_FALSE(parse_listen_address("::1:80"));
  EXPECT_FALSE(parse_listen_address("host"));
  EXPECT_FALSE(parse_listen_address("host:70000"));
  EXPECT_FALSE(parse_listen_address("[::1:80"));
}

TEST(Settings, NamesFollowNodeExporterHabits) {
  auto settings = test_settings();
  const Setting* listen = find_setting(settings, "web.listen_address");
  ASSERT_NE(listen, nullptr);
  EXPECT_EQ(listen->flag(), "--web.listen-address");
  EXPECT_EQ(listen->env_variable(), "AINODE_WEB_LISTEN_ADDRESS");
  const Setting* cpu = find_setting(settings, "collectors.cpu");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->flag(), "--collector.cpu");
  EXPECT_EQ(cpu->env_variable(), "AINODE_COLLECTOR_CPU");
}

TEST(Settings, DefaultsWithoutAnySource) {
  auto loaded = load_config(test_settings(), write_file("empty", ""), {}, {});
  EXPECT_EQ(loaded.config.web.listen_address, "0.0.0.0:9100");
  EXPECT_EQ(loaded.config.collect.interval, Duration(5000));
  EXPECT_TRUE(loaded.origins.empty());
}

TEST(Settings, PrecedenceFlagOverEnvOverFileOverDefault) {
  std::string file = write_file("precedence",
                                "[web]\nlisten_address = \"127.0.0.1:1\"\ntelemetry_path = \"/file\"\n"
                                "[collect]\ninterval = \"10s\"\n[collectors]\ncpu = false\n");
  std::map<std::string, std::string> env = {{"AINODE_WEB_LISTEN_ADDRESS", "127.0.0.1:2"},
                                            {"AINODE_COLLECT_INTERVAL", "3s"}};
  FlagValues flags = {{"web.listen_address", "127.0.0.1:3"}};
  auto loaded = load_config(test_settings(), file, env, flags);
  EXPECT_EQ(loaded.config.web.listen_address, "127.0.0.1:3");
  EXPECT_EQ(loaded.origins["web.listen_address"].source, ValueSource::flag);
  EXPECT_EQ(loaded.config.collect.interval, Duration(3000));
  EXPECT_EQ(loaded.origins["collect.interval"].where, "AINODE_COLLECT_INTERVAL");
  EXPECT_EQ(loaded.config.web.telemetry_path, "/file");
  EXPECT_EQ(loaded.origins["web.telemetry_path"].where, file + ":3");
  EXPECT_FALSE(loaded.config.collect.enabled.at("cpu"));
  EXPECT_EQ(loaded.config.log.level, "info");

  std::string shown = describe_config(test_settings(), loaded);
  EXPECT_NE(shown.find("listen_address = \"127.0.0.1:3\"  # flag (--web.listen-address)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("interval = \"3s\"  # env (AINODE_COLLECT_INTERVAL)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("level = \"info\"  # default"), std::string::npos) << shown;
}

TEST(Settings, UnknownKeyNamesKeyFileAndLine) {
  std::string error = load_error("[web]\nlisten_address = \":1\"\nlisten_adress = \":2\"\n");
  EXPECT_NE(error.find(":3: unknown key 'web.listen_adress'"), std::string::npos) << error;
  EXPECT_NE(load_error("bogus = 1\n").find(":1: unknown key 'bogus'"), std::string::npos);
  EXPECT_NE(load_error("[nosuchtable]\nx = 1\n").find("unknown key 'nosuchtable"), std::string::npos);
}

TEST(Settings, WrongTypeAndOutOfRangeAreErrors) {
  std::string wrong_type = load_error("[collect]\n\ninterval = 5\n");
  EXPECT_NE(wrong_type.find(":3: collect.interval: expected a duration string"), std::string::npos) << wrong_type;
  std::string range = load_error("[processes]\ntop_n = 100000\n");
  EXPECT_NE(range.find(":2: processes.top_n: value 100000 out of range [0, 1000]"), std::string::npos) << range;
  std::string choice = load_error("[log]\nlevel = \"loud\"\n");
  EXPECT_NE(choice.find("log.level: invalid value 'loud'"), std::string::npos) << choice;
  std::string regex = load_error("[disk]\ndevice_exclude = \"([\"\n");
  EXPECT_NE(regex.find(":2: disk.device_exclude: invalid regular expression"), std::string::npos) << regex;
  std::string boolean = load_error("[collectors]\ncpu = \"yes\"\n");
  EXPECT_NE(boolean.find("collectors.cpu: expected a boolean"), std::string::npos) << boolean;
}

TEST(Settings, SyntaxErrorNamesLine) {
  std::string error = load_error("[web]\nlisten_address = \n");
  EXPECT_NE(error.find(":2:"), std::string::npos) << error;
}

TEST(Settings, BadEnvironmentAndFlagsAreErrors) {
  EXPECT_NE(load_error("", {{"AINODE_COLLECT_INTERVAL", "soon"}}).find("AINODE_COLLECT_INTERVAL"), std::string::npos);
  auto loaded = load_config(test_settings(), write_file("env", ""), {{"AINODE_WEB_LISTEN_ADRESS", ":1"}}, {});
  EXPECT_EQ(loaded.unknown_environment, std::vector<std::string>{"AINODE_WEB_LISTEN_ADRESS"});
  EXPECT_NE(load_error("", {}, {{"web.listen_address", "nope"}}).find("flag --web.listen-address"), std::string::npos);
}

TEST(Settings, MissingExplicitFileIsAnError) {
  EXPECT_THROW(load_config(test_settings(), "/nonexistent/ainode.toml", {}, {}), ConfigError);
}

TEST(Settings, VariablesOfLoadedLibrariesAreNotUnknown) {
  auto loaded = load_config(test_settings(), write_file("library-env", ""),
                            {{"AINODE_NVML_SIM_SCENARIO", "scenarios/h100x8.toml"},
                             {"AINODE_NVML_SIM_CLOCK_FILE", "/tmp/clock"},
                             {"AINODE_SERVICE_HOST", "10.0.0.1"}},
                            {});
  EXPECT_EQ(loaded.unknown_environment, std::vector<std::string>{"AINODE_SERVICE_HOST"});
}

TEST(Settings, ReservedRoutesCannotBeTheTelemetryPath) {
  for (const char* path : {"/", "/healthz", "/readyz", "/status", "/v1/status", "/v1/anything"}) {
    std::string error = load_error("", {}, {{"web.telemetry_path", path}});
    EXPECT_NE(error.find("flag --web.telemetry-path: path '" + std::string(path) + "' is a built-in route"),
              std::string::npos)
        << error;
  }
  EXPECT_EQ(load_error("", {}, {{"web.telemetry_path", "/custom-metrics"}}), "");
}

TEST(Settings, ZeroDurationsThatHelpOffersAreAccepted) {
  auto loaded = load_config(test_settings(), write_file("zero", ""), {},
                            {{"gpu.slow_read_interval", "0"}, {"collect.timeout", "0"}});
  EXPECT_EQ(loaded.config.gpu.slow_read_interval, Duration(0));
  EXPECT_EQ(loaded.config.collect.timeout, Duration(0));
}

// config show prints what will run: the collector's own default, then
// collect.disable_defaults, then an explicit value, and for a switch turned
// off by flag, the --no- spelling that did it.
TEST(Settings, ConfigShowPrintsTheCollectorsThatRun) {
  auto settings = make_settings({{"cpu", true}, {"bmc", false}, {"gpu", true}});
  auto plain = describe_config(settings, load_config(settings, write_file("show-plain", ""), {}, {}));
  EXPECT_NE(plain.find("cpu = true  # default\n"), std::string::npos) << plain;
  EXPECT_NE(plain.find("bmc = false  # default (off unless enabled)\n"), std::string::npos) << plain;

  auto only_gpu = describe_config(
      settings, load_config(settings, write_file("show-only-gpu", ""), {},
                            {{"collect.disable_defaults", "true"}, {"collectors.gpu", "true"}}));
  EXPECT_NE(only_gpu.find("cpu = false  # default (collect.disable_defaults)\n"), std::string::npos) << only_gpu;
  EXPECT_NE(only_gpu.find("bmc = false  # default (off unless enabled)\n"), std::string::npos) << only_gpu;
  EXPECT_NE(only_gpu.find("gpu = true  # flag (--collector.gpu)\n"), std::string::npos) << only_gpu;

  auto no_cpu = describe_config(settings, load_config(settings, write_file("show-no-cpu", ""), {},
                                                      {{"collectors.cpu", "false"}}));
  EXPECT_NE(no_cpu.find("cpu = false  # flag (--no-collector.cpu)\n"), std::string::npos) << no_cpu;
}
