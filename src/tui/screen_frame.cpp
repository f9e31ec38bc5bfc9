// The frame around every screen: title line, tab bar, footer with the keys
// and the outcome of the last action; the help pages; the no-agent page.
#include <fmt/format.h>

#include "tui/metric_frame.hpp"
#include "tui/json_read.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

namespace {

constexpr const char* kCommonHelp =
    "1..9 or Tab / Shift-Tab: switch screens     ?: this help (any key closes it)\n"
    "Up/Down, PgUp/PgDn, Home: scroll or select   r: refresh now     q: quit\n"
    "Colours follow the terminal (256, 16, none); NO_COLOR or --color none for monochrome, "
    "--ascii (or a non-UTF-8 locale) for plain ASCII bars and sparklines.";

const ScreenInfo kScreens[kScreenCount] = {
    {"Overview", "Overview: node, GPUs, findings, events",
     "Node identity and uptime, health score (0..10, docs/health-score.md) and degradation "
     "score with its active signals, CPU, memory, pressure (PSI), node power against the "
     "envelope, one line per GPU (utilization, memory, temperature, power/limit, SM clock, "
     "throttle flags, failure risk), open root-cause findings and the latest events.\n"
     "THERMAL / HW-* flags are real slowdowns; pwr-cap is a GPU held at its power limit."},
    {"GPUs", "GPUs: bars, sparklines, MIG, links, ECC",
     "Per GPU: utilization, memory, power and temperature bars with the last cycles as "
     "sparklines (/v1/history), SM clock, PCIe link (trained down is flagged), NVLink, "
     "ECC and row-remap counters, the MIG tree.\n"
     "Up/Down selects a GPU, Enter opens it in detail, Esc goes back."},
    {"Procs", "Processes and pods",
     "GPU processes (GPU memory, SM share) and the agent's top CPU and RSS processes, "
     "each with its Kubernetes namespace/pod/container.\n"
     "s: next sort column (GPU memory, CPU, RSS, pid, name)   /: filter (Enter keeps, Esc clears)"},
    {"Net/IO", "Network and storage",
     "Interfaces with link state and rates, TCP retransmissions, InfiniBand ports and "
     "their error counters, disks (throughput, busy), filesystems (use, read-only, "
     "device errors) and mounts whose statfs hangs. Rates are between two refreshes."},
    {"Power", "Power and efficiency",
     "Node power by source against the envelope (power.node_envelope_watts), CPU package "
     "(RAPL) and sensor power, per-GPU power, limit and energy since the driver loaded, "
     "and tokens per joule per model when a model server is scraped (issue 12)."},
    {"K8s", "Kubernetes",
     "The kubelet connection, GPUs allocated to pods (PodResources), the pods holding "
     "GPUs with their containers, and pod events (started, restarted, OOM, evicted)."},
    {"Diag", "Diagnostics",
     "Runs the agent's one-shot diagnostics (POST /v1/control/diagnose) on first visit: "
     "every check with pass/warn/fail, its evidence and how to fix it.\n"
     "r: run them again. Needs the control API's rights (loopback, or --token-file)."},
    {"AIOps", "AIOps: root causes and failure risk",
     "Open and recent root-cause findings (/v1/rca) with confidence, evidence against "
     "baseline and threshold, alternatives and the suggested action; per-GPU failure "
     "risk (0..1) with its action (watch, drain, reset, rma) and reasons."},
    {"Policy", "Policies and the agent",
     "Efficiency profiles (/v1/policies): mode, priority and state per GPU. Up/Down "
     "selects a profile; o, d, e set it to off, dry_run or enforce after a y/n "
     "confirmation, through the audited control API (refused without the rights).\n"
     "Also: the audit trail (control and policy events), collectors' health and durations."},
};

void add_title(Page& page, const ScreenContext& context) {
  const AgentState& agent = context.agent;
  page.line().add("ainode", Tone::heading).add(" ");
  // The node's host name (ainode_node_info, the uname collector) first: it
  // is what tells two SSH sessions on two nodes apart.
  if (const ExpositionSample* node = find_sample(agent.metrics, "ainode_node_info")) {
    if (const std::string* hostname = node->label("hostname")) page.add(*hostname + " ", Tone::heading);
  }
  page.add(agent.url, Tone::accent);
  if (agent.connected && agent.status.status == EndpointStatus::ok) {
    const auto& body = agent.status.body;
    page.add("  v" + text_at(body, {"agent", "version"}, "?"), Tone::dim);
    page.add("  up " + format_seconds(number_at(body, {"agent", "uptime_seconds"})), Tone::dim);
    page.add("  cycle " + format_seconds(agent.interval_seconds), Tone::dim);
  }
  std::string state = agent.connected ? (agent.events_live ? "  live" : "  polling")
                                      : (agent.ever_connected ? "  AGENT LOST, reconnecting" : "  no agent");
  page.add(state, agent.connected ? Tone::good : Tone::bad);
}

void add_tabs(Page& page, const ScreenContext& context) {
  page.line();
  for (int i = 1; i <= kScreenCount; ++i) {
    std::string tab = fmt::format("{} {}", i, kScreens[i - 1].tab);
    page.add(tab, i == context.view.screen ? Tone::selected : Tone::dim);
    page.add(" ");
  }
}

void add_footer(Page& page, const ScreenContext& context) {
  page.line();
  const ViewState& view = context.view;
  if (view.confirm) {
    page.add(fmt::format("Set policy {} to {}? y: yes, any other key: no", view.confirm->profile, view.confirm->mode),
             Tone::warn);
    return;
  }
  if (view.editing_filter) {
    page.add("filter: ", Tone::accent).add(view.filter).add(context.unicode ? "▏" : "_", Tone::accent);
    return;
  }
  page.add("?", Tone::accent).add(" help  ").add("q", Tone::accent).add(" quit  ").add("Tab", Tone::accent);
  page.add(" next  ");
  if (!context.agent.action_message.empty()) page.add(context.agent.action_message, Tone::warn);
}

Page no_agent_page(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  const AgentState& agent = context.agent;
  page.line();
  page.line().add("No ainode agent answers at " + agent.url, Tone::bad);
  if (!agent.connection_error.empty()) page.line().add("  (" + agent.connection_error + ")", Tone::dim);
  page.line();
  page.line().add("Start one on this node:");
  page.line().add("  sudo systemctl start ainode        ", Tone::accent).add("(the Debian package's service)");
  page.line().add("  ainode                             ", Tone::accent).add("(in a shell; listens on :9100)");
  page.line().add("  build/twin/ainode-twin run scenarios/h100x8.toml  ", Tone::accent).add("(a simulated node)");
  page.line().add("or point this TUI at one: ainode tui --url http://HOST:9100");
  page.line();
  page.line().add("Retrying every second; the screens come back by themselves.", Tone::dim);
  return page;
}

Page help_page(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  const ScreenInfo& info = screen_info(context.view.screen);
  page.section(std::string("Help: ") + info.title);
  // One paragraph per line of the help text, wrapped to the width.
  auto lines = [&](std::string_view text) {
    while (!text.empty()) {
      auto end = text.find('\n');
      for (auto& line : wrap_words(text.substr(0, end), context.width, context.unicode)) page.line().add(line);
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
  };
  lines(info.help);
  page.section("Every screen");
  lines(kCommonHelp);
  return page;
}

}  // namespace

const ScreenInfo& screen_info(int screen) { return kScreens[std::clamp(screen, 1, kScreenCount) - 1]; }

Page render_body(const ScreenContext& context) {
  if (context.view.help) return help_page(context);
  if (!context.agent.ever_connected) return no_agent_page(context);
  switch (context.view.screen) {
    case 1: return render_overview(context);
    case 2: return context.view.gpu_detail ? render_gpu_detail(context, *context.view.gpu_detail) : render_gpus(context);
    case 3: return render_processes(context);
    case 4: return render_network(context);
    case 5: return render_power(context);
    case 6: return render_kubernetes(context);
    case 7: return render_diagnostics(context);
    case 8: return render_aiops(context);
    default: return render_policies(context);
  }
}

Frame render_frame(const ScreenContext& context, std::size_t height) {
  Frame frame{Page(context.width, context.unicode), 0, 0};
  add_title(frame.page, context);
  add_tabs(frame.page, context);
  Page body = render_body(context);
  std::size_t rows = height > 3 ? height - 3 : 0;
  frame.body_lines = body.lines().size();
  std::size_t max_scroll = frame.body_lines > rows ? frame.body_lines - rows : 0;
  frame.scroll = std::min(context.view.scroll, max_scroll);
  if (auto focus = body.focus_line()) {
    if (*focus < frame.scroll) frame.scroll = *focus;
    if (rows > 0 && *focus >= frame.scroll + rows) frame.scroll = *focus - rows + 1;
  }
  for (std::size_t i = 0; i < rows; ++i) {
    frame.page.line();
    std::size_t at = frame.scroll + i;
    if (at >= body.lines().size()) continue;
    for (const auto& span : body.lines()[at].spans) frame.page.add(span.text, span.tone);
  }
  add_footer(frame.page, context);
  return frame;
}

}  // namespace ainode::tui
