#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "ainode/build_info.hpp"
#include "app/help_formatter.hpp"

namespace ainode {

namespace {

// Every configuration error exits 2 (config errors in main use it too);
// CLI11 would exit with its own codes (109 for an unknown flag).
constexpr int kUsageExitCode = 2;

// The value label of a setting in --help: its kind, and its unit where the
// key names one, so "--web.max-request-bytes BYTES" needs no guessing.
std::string value_label(const Setting& setting) {
  switch (setting.kind) {
    case ValueKind::duration: return "DURATION";
    case ValueKind::integer:
      if (setting.key.ends_with("_bytes")) return "BYTES";
      if (setting.key.ends_with("_watts")) return "WATTS";
      return "INTEGER";
    case ValueKind::string: return "STRING";
    case ValueKind::boolean: return "";
  }
  return "";
}

// The default as `config show` would print it for an empty configuration,
// without its annotation, TOML quotes or TOML escapes (a regex default must
// read as the regex itself).
std::string default_text(const Setting& setting) {
  std::string shown = setting.show(Config{});
  shown = shown.substr(0, shown.find("  #"));
  if (shown.size() >= 2 && shown.front() == '"' && shown.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < shown.size(); ++i) {
      if (shown[i] == '\\' && i + 2 < shown.size()) ++i;
      unquoted.push_back(shown[i]);
    }
    shown = unquoted;
  }
  if (shown.empty()) return "empty";
  if (setting.kind == ValueKind::boolean) return shown == "true" ? "on" : "off";
  return shown;
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv, const std::vector<Setting>& settings) {
  CommandLine result;
  CLI::App app{"ainode: power-aware, GPU-aware telemetry agent for AI nodes", "ainode"};
  auto formatter = std::make_shared<HelpFormatter>();
  // Wide enough for "--kubelet.pod-resources-max-message-bytes BYTES": each
  // setting and its description stay on one line, greppable.
  formatter->column_width(52);
  app.formatter(formatter);
  app.set_version_flag("--version", std::string("ainode ") + build::version + " (" + build::revision + ")");
  app.fallthrough();
  app.add_option("--config", result.config_path, "TOML configuration file (default /etc/ainode/ainode.toml if present; env AINODE_CONFIG)")
      ->envname("AINODE_CONFIG")
      ->option_text("FILE");

  for (const Setting& setting : settings) {
    std::string key = setting.key;
    std::string help = setting.help + " [default: " + default_text(setting) + "]";
    if (setting.kind == ValueKind::boolean) {
      // --collector.cpu / --no-collector.cpu, --gpu.k8s-mode / --no-gpu.k8s-mode,
      // and --collector.cpu=false.
      app.add_flag_function(setting.flag() + ",!" + setting.negated_flag(),
                            [&result, key](std::int64_t count) { result.flags[key] = count > 0 ? "true" : "false"; },
                            help)
          ->group(key.starts_with("collectors.") ? "Collectors" : "Switches");
    } else {
      app.add_option_function<std::string>(
             setting.flag(), [&result, key](const std::string& value) { result.flags[key] = value; }, help)
          ->option_text(value_label(setting))
          ->group("Settings (flag > " + setting.env_variable().substr(0, 7) + "* env > file > default)");
    }
  }

  auto* config = app.add_subcommand("config", "Configuration tools");
  auto* show = config->add_subcommand("show", "Print the effective configuration and where each value came from");
  config->require_subcommand(1);
  auto* catalogue = app.add_subcommand("catalogue", "Print the metric catalogue as Markdown (docs/metrics.md)");

  auto* events = app.add_subcommand("events", "Print a running agent's events live (like kubectl get events -w)");
  events->add_option("--url", result.events.url, "The agent's address")->capture_default_str();
  events->add_option("--types", result.events.types, "Only these event types, comma-separated");
  events->add_option("--severity", result.events.severity, "Only this severity or worse (info, warning, critical)");
  events->add_flag("--json", result.events.json, "One JSON object per line instead of readable lines");
  events->add_flag("!--no-follow", result.events.follow, "Print the recent events and exit");
  events->add_option("--token-file", result.events.token_file, "Send this bearer token");
  events->add_option("--ca-file", result.events.ca_file, "CA bundle for an https:// agent");
  events->add_flag("--insecure", result.events.insecure, "Do not verify an https:// agent's certificate");
  auto* diagnose = app.add_subcommand("diagnose", "Ask a running agent for a one-shot node health check (exit 0 pass, 1 warn, 2 fail)");
  diagnose->add_option("--url", result.diagnose.url, "The agent's address")->capture_default_str();
  diagnose->add_flag("--json", result.diagnose.json, "The report as JSON");
  diagnose->add_option("--token-file", result.diagnose.token_file, "Send this bearer token (a remote agent)");
  diagnose->add_option("--ca-file", result.diagnose.ca_file, "CA bundle for an https:// agent");
  diagnose->add_flag("--insecure", result.diagnose.insecure, "Do not verify an https:// agent's certificate");
  auto* audit = app.add_subcommand("audit", "Print the control audit log readably");
  audit->add_option("--since", result.audit_since, "Only records younger than this (e.g. 1h, 30m)");
  audit->add_option("--file", result.audit_file, "The audit log (default: control.audit_log or <state.dir>/audit.log)");
  audit->add_flag("--json", result.audit_json, "The records as stored, one JSON object per line");

  auto* tui = app.add_subcommand("tui", "Terminal UI on a running agent (screens 1-9, ? for help, q to quit)");
  tui->add_option("--url", result.tui.connection.url, "The agent's address")->capture_default_str();
  tui->add_option("--token-file", result.tui.connection.token_file, "Send this bearer token (control API, proxies)");
  tui->add_option("--basic-auth-user", result.tui.connection.basic_auth_user, "HTTP basic auth user (web config)");
  tui->add_option("--basic-auth-password-file", result.tui.connection.basic_auth_password_file,
                  "File holding that user's password");
  tui->add_option("--ca-file", result.tui.connection.ca_file, "CA bundle for an https:// agent");
  tui->add_flag("--insecure", result.tui.connection.insecure, "Do not verify an https:// agent's certificate");
  tui->add_option("--color", result.tui.color, "auto, 256, 16 or none (NO_COLOR also turns colour off)")
      ->capture_default_str();
  tui->add_flag("--ascii", result.tui.ascii, "Plain ASCII bars and sparklines, even in a UTF-8 locale");
  tui->add_option("--screen", result.tui.screen, "Open on this screen (1-9)")->check(CLI::Range(1, 9));

  auto* policy = app.add_subcommand("policy", "Efficiency profile tools");
  policy->require_subcommand(1);
  auto* policy_check = policy->add_subcommand("check", "Validate EfficiencyProfile files offline (exit 1 when any is invalid)");
  policy_check->add_option("files", result.policy_check.files, "Profile files (YAML, several profiles per file with ---)")
      ->required();
  unsigned policy_gpus = 0;
  double policy_min_watts = 0, policy_max_watts = 0, policy_default_watts = 0;
  auto* gpus_option = policy_check->add_option("--gpus", policy_gpus, "Also check against N GPUs (indices 0..N-1) with these limits");
  auto* min_option = policy_check->add_option("--min-watts", policy_min_watts, "The GPUs' lowest power limit (NVML constraint)");
  auto* max_option = policy_check->add_option("--max-watts", policy_max_watts, "The GPUs' highest power limit (NVML constraint)");
  auto* default_option = policy_check->add_option("--default-watts", policy_default_watts, "The GPUs' default power limit, for \"60%\" limits");

  auto* policy_plan = policy->add_subcommand("plan", "What each profile of a running agent would do now, and why");
  policy_plan->add_option("--url", result.policy_plan.url, "The agent's address")->capture_default_str();
  policy_plan->add_flag("--json", result.policy_plan.json, "The agent's /v1/policies document as JSON");
  policy_plan->add_option("--token-file", result.policy_plan.token_file, "Send this bearer token");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    result.command = Command::exit;
    // --help and --version arrive here too, with exit code 0.
    result.exit_code = app.exit(error) == 0 ? 0 : kUsageExitCode;
    return result;
  }
  if (show->parsed()) result.command = Command::config_show;
  if (catalogue->parsed()) result.command = Command::catalogue;
  if (events->parsed()) result.command = Command::events;
  if (diagnose->parsed()) result.command = Command::diagnose;
  if (audit->parsed()) result.command = Command::audit;
  if (tui->parsed()) result.command = Command::tui;
  if (policy_plan->parsed()) result.command = Command::policy_plan;
  if (policy_check->parsed()) {
    result.command = Command::policy_check;
    if (gpus_option->count() > 0) result.policy_check.gpus = policy_gpus;
    if (min_option->count() > 0) result.policy_check.min_watts = policy_min_watts;
    if (max_option->count() > 0) result.policy_check.max_watts = policy_max_watts;
    if (default_option->count() > 0) result.policy_check.default_watts = policy_default_watts;
  }
  return result;
}

}  // namespace ainode
