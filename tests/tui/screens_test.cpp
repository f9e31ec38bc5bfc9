#include <gtest/gtest.h>

#include "tui/control_outcome.hpp"
#include "tui/keys.hpp"
#include "tui/process_rows.hpp"
#include "tui/screens.hpp"
#include "tui/terminal.hpp"
#include "tui/text_fit.hpp"

using namespace ainode::tui;
using ainode::HttpResult;

namespace {

nlohmann::json gpu(int index, const std::vector<std::string>& reasons) {
  return nlohmann::json{{"index", index},
                        {"name", "NVIDIA H100 80GB HBM3"},
                        {"uuid", "GPU-" + std::to_string(index)},
                        {"utilization_ratio", 0.94},
                        {"memory", {{"used_bytes", 64961380352.0}, {"total_bytes", 85520809984.0}}},
                        {"temperature_celsius", index == 3 ? 88.0 : 62.0},
                        {"power_watts", 692.2},
                        {"power_limits_watts", {{"enforced", 700.0}}},
                        {"clocks_hertz", {{"sm", 1.965e9}}},
                        {"pcie", {{"generation", 5}, {"generation_max", 5}, {"width", index == 1 ? 8 : 16}, {"width_max", 16}}},
                        {"health", {{"throttle_reasons", reasons}}},
                        {"processes",
                         nlohmann::json::array({{{"pid", 4242 + index},
                                                 {"name", "python"},
                                                 {"memory_bytes", 6.4e10},
                                                 {"namespace", "ml"},
                                                 {"pod", "trainer-0"},
                                                 {"container", "pytorch"}}})}};
}

AgentState connected_state() {
  AgentState state;
  state.url = "http://127.0.0.1:9100";
  state.connected = state.ever_connected = state.events_live = true;
  state.status.status = EndpointStatus::ok;
  state.status.body = {{"agent", {{"version", "0.1.0"}, {"uptime_seconds", 75}}},
                       {"node", {{"health_score", 8.4}, {"cpu", {{"utilization_ratio", 0.3}, {"cores", 4}}}}}};
  state.gpus.status = EndpointStatus::ok;
  state.gpus.body = {{"gpus", nlohmann::json::array({gpu(0, {"sw_power_cap"}), gpu(1, {}), gpu(3, {"sw_thermal"})})}};
  state.rca.status = EndpointStatus::not_available;
  state.policies.status = EndpointStatus::not_available;
  state.diagnose.status = EndpointStatus::not_available;
  return state;
}

std::string render(const AgentState& state, const ViewState& view, std::size_t width = 80, bool unicode = true,
                   std::size_t height = 60) {
  ScreenContext context{state, view, width, unicode};
  return page_text(render_frame(context, height).page);
}

bool every_line_fits(const std::string& text, std::size_t width) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (display_width(std::string_view(text).substr(start, end - start)) > width) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

TEST(Screens, OverviewShowsEachGpuAndFlagsTheThermalOne) {
  ViewState view;
  std::string text = render(connected_state(), view);
  EXPECT_NE(text.find(" 0  H100 80GB HBM3"), std::string::npos) << text;
  EXPECT_NE(text.find("pwr-cap"), std::string::npos);
  auto gpu3 = text.substr(text.find(" 3  H100"));
  EXPECT_LT(gpu3.find("THERMAL"), gpu3.find('\n')) << text;
  EXPECT_NE(text.find("root-cause analysis: not available on this agent"), std::string::npos);
  EXPECT_NE(text.find("health 8.4/10"), std::string::npos);
}

TEST(Screens, EveryScreenFitsAt80ColumnsInUtf8AndAscii) {
  AgentState state = connected_state();
  for (int screen = 1; screen <= kScreenCount; ++screen) {
    for (bool unicode : {true, false}) {
      ViewState view;
      view.screen = screen;
      std::string text = render(state, view, 80, unicode, 24);
      EXPECT_TRUE(every_line_fits(text, 80)) << "screen " << screen << "\n" << text;
      EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 24) << "screen " << screen;
      if (!unicode) {
        EXPECT_TRUE(std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
            << "screen " << screen << " is not plain ASCII:\n" << text;
      }
    }
  }
}

TEST(Screens, NoAgentSaysSoAndHowToStartOne) {
  AgentState state;
  state.url = "http://127.0.0.1:9100";
  state.connection_error = "Couldn't connect to server";
  std::string text = render(state, ViewState{});
  EXPECT_NE(text.find("No ainode agent answers at http://127.0.0.1:9100"), std::string::npos) << text;
  EXPECT_NE(text.find("Couldn't connect to server"), std::string::npos);
  EXPECT_NE(text.find("systemctl start ainode"), std::string::npos);
  state.ever_connected = true;  // lost after a while: the title says so, the last data stays
  EXPECT_NE(render(state, ViewState{}).find("AGENT LOST, reconnecting"), std::string::npos);
}

TEST(Screens, AiopsShowsFindingsAndRiskInTheContractShape) {
  AgentState state = connected_state();
  state.rca.status = EndpointStatus::ok;
  state.rca.body = nlohmann::json::parse(R"({"findings":[{"id":"f1","cause":"thermal","confidence":0.87,"gpu":3,
    "uuid":"GPU-3","namespace":"ml","pod":"trainer-0","start":"2026-12-02T05:43:34Z","end":null,
    "evidence":[{"signal":"temperature_celsius","value":88,"baseline":62,"threshold":85,"at":"2026-12-02T05:44:00Z"}],
    "alternatives":[{"cause":"power_cap","score":0.1}],"action":"check the cooling of GPU 3","state":"open"}]})");
  state.gpus.body["gpus"][2]["risk"] = {{"value", 0.62}, {"action", "drain"},
                                        {"reasons", {{{"reason", "thermal"}, {"detail", "88 C"}, {"weight", 0.5}}}}};
  ViewState view;
  view.screen = 8;
  std::string text = render(state, view);
  EXPECT_NE(text.find("OPEN   thermal 87%  GPU 3 ml/trainer-0  since 05:43:34  -> check the cooling"), std::string::npos)
      << text;
  EXPECT_NE(text.find("temperature_celsius 88  baseline 62  threshold 85"), std::string::npos);
  EXPECT_NE(text.find("alternatives: power_cap 0.10"), std::string::npos);
  EXPECT_NE(text.find("0.62 drain"), std::string::npos);
  EXPECT_NE(text.find("thermal (0.50): 88 C"), std::string::npos);
}

TEST(Screens, DiagnosticsListFailuresFirstWithTheirFix) {
  AgentState state = connected_state();
  state.diagnose.status = EndpointStatus::ok;
  state.diagnose.body = nlohmann::json::parse(R"({"status":"fail","duration_seconds":0.4,"checks":[
    {"name":"nvml","subject":"","status":"pass","evidence":"driver 550.54.15","fix":""},
    {"name":"gpu.pcie_width","subject":"GPU 1","status":"fail","evidence":"x8 of x16","fix":"reseat the GPU"}]})");
  ViewState view;
  view.screen = 7;
  std::string text = render(state, view);
  auto fail_at = text.find("fail gpu.pcie_width");
  ASSERT_NE(fail_at, std::string::npos) << text;
  EXPECT_LT(fail_at, text.find("pass nvml"));
  EXPECT_NE(text.find("fix: reseat the GPU"), std::string::npos);
  EXPECT_NE(text.find("1 pass, 0 warn, 1 fail"), std::string::npos);
}

TEST(Screens, PoliciesShowProfilesAndTheirGpus) {
  AgentState state = connected_state();
  state.policies.status = EndpointStatus::ok;
  state.policies.body = nlohmann::json::parse(R"({"profiles":[{"name":"inference-cap","file":"/etc/ainode/p.yaml",
    "mode":"dry_run","priority":10,"active":true,"gpus":[{"gpu":0,"uuid":"GPU-0","state":"applied",
    "applied":{"power_limit_watts":450},"desired":{"power_limit_watts":450},"reason":"low utilization"}]}]})");
  ViewState view;
  view.screen = 9;
  std::string text = render(state, view);
  EXPECT_NE(text.find(">inference-cap"), std::string::npos) << text;
  EXPECT_NE(text.find("dry_run"), std::string::npos);
  EXPECT_NE(text.find("GPU 0 applied     applied power_limit_watts=450"), std::string::npos) << text;
}

TEST(Keys, TabCyclesNumbersJumpAndQQuits) {
  AgentState state = connected_state();
  ViewState view;
  view.screen = 9;
  EXPECT_TRUE(handle_key({Key::Kind::tab, 0}, view, state, 20).screen_changed);
  EXPECT_EQ(view.screen, 1);
  handle_key({Key::Kind::back_tab, 0}, view, state, 20);
  EXPECT_EQ(view.screen, 9);
  handle_key({Key::Kind::character, '4'}, view, state, 20);
  EXPECT_EQ(view.screen, 4);
  handle_key({Key::Kind::character, '?'}, view, state, 20);
  EXPECT_TRUE(view.help);
  handle_key({Key::Kind::character, 'q'}, view, state, 20);  // closes the help first
  EXPECT_FALSE(view.quit);
  handle_key({Key::Kind::character, 'q'}, view, state, 20);
  EXPECT_TRUE(view.quit);
}

TEST(Keys, EnterOpensTheSelectedGpuAndEscapeCloses) {
  AgentState state = connected_state();
  ViewState view;
  view.screen = 2;
  handle_key({Key::Kind::down, 0}, view, state, 20);
  handle_key({Key::Kind::down, 0}, view, state, 20);
  handle_key({Key::Kind::down, 0}, view, state, 20);  // only three GPUs: stays on the last
  handle_key({Key::Kind::enter, 0}, view, state, 20);
  ASSERT_TRUE(view.gpu_detail.has_value());
  EXPECT_EQ(*view.gpu_detail, 3u);
  EXPECT_NE(render(state, view).find("GPU 3: NVIDIA H100 80GB HBM3"), std::string::npos);
  handle_key({Key::Kind::escape, 0}, view, state, 20);
  EXPECT_FALSE(view.gpu_detail.has_value());
}

TEST(Keys, FilterIsTypedAndCleared) {
  AgentState state = connected_state();
  ViewState view;
  view.screen = 3;
  handle_key({Key::Kind::character, '/'}, view, state, 20);
  EXPECT_TRUE(view.editing_filter);
  for (char c : std::string("4243x")) handle_key({Key::Kind::character, static_cast<char32_t>(c)}, view, state, 20);
  handle_key({Key::Kind::backspace, 0}, view, state, 20);
  handle_key({Key::Kind::character, '1'}, view, state, 20);  // typed into the filter, not a screen switch
  EXPECT_EQ(view.screen, 3);
  EXPECT_EQ(view.filter, "42431");
  handle_key({Key::Kind::escape, 0}, view, state, 20);
  EXPECT_EQ(view.filter, "");
  view.filter = "4243";
  std::string text = render(state, view);
  EXPECT_NE(text.find("4243 python"), std::string::npos) << text;
  EXPECT_EQ(text.find("4242"), std::string::npos);
}

TEST(Keys, PolicyModeNeedsAnExplicitYes) {
  AgentState state = connected_state();
  state.policies.status = EndpointStatus::ok;
  state.policies.body = {{"profiles", {{{"name", "cap"}, {"mode", "dry_run"}}}}};
  ViewState view;
  view.screen = 9;
  handle_key({Key::Kind::character, 'e'}, view, state, 20);
  ASSERT_TRUE(view.confirm.has_value());
  EXPECT_NE(render(state, view).find("Set policy cap to enforce? y: yes"), std::string::npos);
  EXPECT_FALSE(handle_key({Key::Kind::enter, 0}, view, state, 20).set_mode.has_value());  // anything but y cancels
  EXPECT_FALSE(view.confirm.has_value());
  handle_key({Key::Kind::character, 'o'}, view, state, 20);
  auto outcome = handle_key({Key::Kind::character, 'y'}, view, state, 20);
  ASSERT_TRUE(outcome.set_mode.has_value());
  EXPECT_EQ(outcome.set_mode->profile, "cap");
  EXPECT_EQ(outcome.set_mode->mode, "off");
}

TEST(ProcessRows, JoinGpuProcessesWithTopProcessesAndSort) {
  AgentState state = connected_state();
  auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
  state.previous_metrics = parse_metric_frame(
      "ainode_process_cpu_seconds_total{pid=\"4242\",name=\"python\"} 10\n"
      "ainode_process_cpu_seconds_total{pid=\"7\",name=\"sshd\"} 1\n", {"ainode_process_"}, t0);
  state.metrics = parse_metric_frame(
      "ainode_process_cpu_seconds_total{pid=\"4242\",name=\"python\"} 12\n"
      "ainode_process_cpu_seconds_total{pid=\"7\",name=\"sshd\"} 1.5\n"
      "ainode_process_resident_memory_bytes{pid=\"7\",name=\"sshd\"} 5e6\n"
      "ainode_other 1\n", {"ainode_process_"}, t0 + std::chrono::seconds(2));
  EXPECT_EQ(state.metrics.samples.size(), 3u);  // ainode_other skipped unparsed
  auto rows = process_rows(state);
  sort_processes(rows, ProcessSort::cpu);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0].pid, 4242u);
  EXPECT_DOUBLE_EQ(*rows[0].cpu_ratio, 1.0);
  EXPECT_EQ(rows[0].pod, "trainer-0");
  EXPECT_DOUBLE_EQ(*rows[0].gpu_memory_bytes, 6.4e10);
  EXPECT_EQ(rows[1].pid, 7u);
  EXPECT_DOUBLE_EQ(*rows[1].cpu_ratio, 0.25);
  EXPECT_TRUE(process_matches(rows[0], "TRAIN"));
  EXPECT_FALSE(process_matches(rows[1], "train"));
}

TEST(ColorMode, NoColorAndTheFlagWin) {
  EXPECT_EQ(choose_color_mode("auto", nullptr, 256), ColorMode::color256);
  EXPECT_EQ(choose_color_mode("auto", nullptr, 8), ColorMode::basic16);
  EXPECT_EQ(choose_color_mode("auto", nullptr, 0), ColorMode::none);
  EXPECT_EQ(choose_color_mode("auto", "1", 256), ColorMode::none);
  EXPECT_EQ(choose_color_mode("auto", "", 256), ColorMode::color256);  // NO_COLOR set but empty: ignored
  EXPECT_EQ(choose_color_mode("16", "1", 256), ColorMode::basic16);    // an explicit flag wins
  EXPECT_FALSE(choose_color_mode("rainbow", nullptr, 256).has_value());
}

TEST(Screens, AnswersOfTheWrongShapeRenderWithoutThrowing) {
  // The TUI may watch any agent: an older or newer one, or something else
  // on the port. Every screen must draw whatever JSON comes back.
  const char* bodies[] = {"null", "1", "\"x\"", "[]", "{\"gpus\":\"x\",\"findings\":7,\"profiles\":{}}",
                          R"({"gpus":[1,"a",null,{"index":"x","health":[],"memory":3,"processes":[{"pid":"p"}]}],
                              "findings":[{"state":"open","evidence":[1,{"value":{}}],"alternatives":[3]}],
                              "profiles":[{"name":3,"gpus":[null]}],"checks":[[],{"status":5}],
                              "node":[],"collectors":{},"series":[],"interval_seconds":"1"})"};
  for (const char* text : bodies) {
    AgentState state = connected_state();
    auto body = nlohmann::json::parse(text);
    for (Endpoint* endpoint : {&state.status, &state.gpus, &state.history, &state.pods, &state.rca, &state.policies,
                               &state.diagnose}) {
      endpoint->status = EndpointStatus::ok;
      endpoint->body = body;
    }
    state.events.push_back(body);
    for (int screen = 1; screen <= kScreenCount; ++screen) {
      for (std::size_t width : {std::size_t(0), std::size_t(12), std::size_t(80)}) {
        ViewState view;
        view.screen = screen;
        EXPECT_NO_THROW(render(state, view, width, width != 12, 5)) << text << " screen " << screen;
        for (auto kind : {Key::Kind::down, Key::Kind::enter, Key::Kind::end}) {
          EXPECT_NO_THROW(handle_key({kind, 0}, view, state, 3));
        }
        EXPECT_NO_THROW(handle_key({Key::Kind::character, 'e'}, view, state, 3));
        EXPECT_NO_THROW(render(state, view, width, true, 5));
      }
    }
  }
}

TEST(ControlOutcome, SaysWhyARequestWasRefused) {
  HttpResult done;
  done.status = 200;
  EXPECT_EQ(describe_control_outcome("policy cap -> enforce", done), "policy cap -> enforce: done");
  HttpResult refused;
  refused.status = 403;
  refused.body = R"({"error":"remote control needs a bearer token","request_id":"r1"})";
  EXPECT_EQ(describe_control_outcome("policy cap -> enforce", refused),
            "policy cap -> enforce: refused (HTTP 403: remote control needs a bearer token)");
  HttpResult missing;
  missing.status = 404;
  missing.body = R"({"error":"no such control endpoint"})";
  EXPECT_EQ(describe_control_outcome("diagnostics", missing), "diagnostics: not available on this agent");
  HttpResult away;
  away.error = "Couldn't connect to server";
  EXPECT_EQ(describe_control_outcome("diagnostics", away), "diagnostics: failed (Couldn't connect to server)");
}
