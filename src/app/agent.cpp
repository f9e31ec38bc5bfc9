#include "app/agent.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <pthread.h>

#include <spdlog/spdlog.h>

#include "aiops/risk_tracker.hpp"
#include "ainode/build_info.hpp"
#include "aiops/rca_engine.hpp"
#include "app/agent_process_metrics.hpp"
#include "app/builtin_collectors.hpp"
#include "app/control_actions.hpp"
#include "app/cycle_history.hpp"
#include "app/data_plane.hpp"
#include "app/diagnose_action.hpp"
#include "app/pod_events.hpp"
#include "app/policy_actions.hpp"
#include "app/routes.hpp"
#include "app/snapshot_builder.hpp"
#include "app/snapshot_store.hpp"
#include "control/control_metrics.hpp"
#include "control/token_file.hpp"
#include "core/kept_open_files.hpp"
#include "core/scheduler.hpp"
#include "core/state_dir.hpp"
#include "efficiency/model_efficiency.hpp"
#include "events/event_metrics.hpp"
#include "events/snapshot_events.hpp"
#include "gpu/kernel_xid_follower.hpp"
#include "gpu/xid_ledger.hpp"
#include "http/server.hpp"

namespace ainode {

namespace {

// Logs a collector's failures when they start and when they end, not once
// per cycle: the counters and /v1/status carry the steady state.
class FailureLog {
 public:
  void observe(const std::vector<CollectorStatus>& collectors) {
    if (failing_.size() != collectors.size()) failing_.assign(collectors.size(), false);
    for (std::size_t i = 0; i < collectors.size(); ++i) {
      const auto& c = collectors[i];
      for (const auto& warning : c.warnings) spdlog::debug("collector {}: {}", c.name, warning);
      for (const auto& notice : c.notices) {
        spdlog::log(notice.level == NoticeLevel::warning ? spdlog::level::warn : spdlog::level::info, "collector {}: {}",
                    c.name, notice.message);
      }
      bool failing = !c.success;
      if (failing && !failing_[i]) spdlog::warn("collector {} failed: {}", c.name, c.last_error);
      if (!failing && failing_[i]) spdlog::info("collector {} recovered", c.name);
      failing_[i] = failing;
    }
  }

 private:
  std::vector<bool> failing_;
};

sigset_t handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  return signals;
}

// The control API's authentication settings from the configuration;
// throws std::runtime_error naming the key when they are unusable.
ControlAuthPolicy control_auth_policy(const Config& config) {
  ControlAuthPolicy policy;
  policy.allow_remote = config.control.allow_remote;
  if (!config.control.token_file.empty()) policy.token = read_token_file(config.control.token_file);
  if (policy.allow_remote && policy.token.empty()) {
    throw std::runtime_error(
        "control.allow_remote is set, but no control.token_file is configured: remote control needs a bearer token "
        "or client certificates");
  }
  return policy;
}

std::string audit_log_path(const Config& config) {
  if (!config.control.audit_log.empty()) return config.control.audit_log;
  StateDir state = resolve_state_dir(config.state.dir);
  if (state.path.empty()) {
    // An explicit state.dir that cannot be used is a configuration error; a
    // default that cannot be used leaves the exporter running with control
    // actions refused (fail closed) until one is configured.
    if (!config.state.dir.empty()) throw std::runtime_error("state.dir: " + state.reason);
    spdlog::warn("state directory: {}; control actions will be refused: they cannot be audited", state.reason);
    return {};
  }
  return state.path + "/audit.log";
}

void add_reload_targets(ConfigReloader& reloader, ControlApi& control, SnapshotBuilder& builder) {
  reloader.add_target({{"control.token_file", "control.allow_remote"}, [&control](const Config& next) {
                         auto policy = control_auth_policy(next);
                         return std::function<void()>([&control, policy] { control.set_auth_policy(policy); });
                       }});
  reloader.add_target({{"log.level"}, [](const Config& next) {
                         auto level = spdlog::level::from_str(next.log.level);
                         return std::function<void()>([level] { spdlog::set_level(level); });
                       }});
  reloader.add_target({{"power.node_envelope_watts"}, [&builder](const Config& next) {
                         double watts = static_cast<double>(next.power.node_envelope_watts);
                         return std::function<void()>([&builder, watts] { builder.set_node_power_envelope_watts(watts); });
                       }});
}

// A file in the state directory, or "" (kept in memory only, said once)
// when there is none.
std::string state_file(const Config& config, const std::string& name) {
  StateDir state = resolve_state_dir(config.state.dir);
  if (state.path.empty()) {
    spdlog::warn("state directory: {}; {} is kept in memory only", state.reason, name);
    return {};
  }
  return state.path + "/" + name;
}

KernelXidFollower make_kernel_xid_follower(const Config& config, XidLedger& ledger) {
  if (!config.gpu.kmsg_xids) return KernelXidFollower(nullptr, "", ledger);
  std::string path = !config.gpu.kmsg_path.empty() ? config.gpu.kmsg_path
                                                    : (std::filesystem::path(config.path.rootfs) / "dev/kmsg").string();
  std::string error;
  auto source = open_dev_kmsg(path, error);
  if (source) {
    spdlog::info("kernel log: following {} for GPU XIDs", path);
  } else {
    spdlog::info("kernel log: not available, XIDs from NVML only: {}", error);
  }
  return KernelXidFollower(std::move(source), error, ledger);
}

// SIGHUP: the same reload as POST /v1/control/reload, audited as the
// agent's own action; refused when it cannot be audited.
void reload_on_signal(ConfigReloader& reloader, ControlApi& control, EventBus& events) {
  CallerIdentity identity{AuthMethod::agent, "SIGHUP", ""};
  ControlOutcome accepted;
  accepted.result = "accepted";
  std::string request_id;
  if (!control.audit_autonomous("reload", identity, nlohmann::json::object(), "request", accepted, request_id)) {
    spdlog::error("SIGHUP: reload refused: the audit log cannot be written");
    return;
  }
  ControlOutcome outcome = run_reload(reloader, events, identity);
  control.audit_autonomous("reload", identity, nlohmann::json::object(), "response", outcome, request_id);
}

}  // namespace

int run_agent(const Config& config, const std::vector<Setting>& settings, ConfigReloader::Loader loader) {
  // Block the handled signals before any thread starts, so every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto start_time = std::chrono::system_clock::now();
  spdlog::info("ainode {} ({}) starting; procfs={} sysfs={} rootfs={}", build::version, build::revision,
               config.path.procfs, config.path.sysfs, config.path.rootfs);

  HostFs fs(config.path.procfs, config.path.sysfs, config.path.rootfs);
  EventBus events(static_cast<std::size_t>(config.events.ring_size));
  // The kubelet's /pods (issue 11): pod events, and the pods the app
  // collector discovers model servers in (issue 12).
  PodEvents pod_events(config, events);
  auto collectors = make_enabled_collectors(config, pod_events.watcher());
  std::string names;
  for (const auto& c : collectors) names += (names.empty() ? "" : ",") + std::string(c->name());
  spdlog::info("collectors: {}", names);
  DataPlane data_plane(config);  // buffer + remote_write (issue 12)
  collectors.push_back(data_plane.make_collector());

  ControlAuthPolicy auth_policy;
  std::string audit_path;
  try {
    auth_policy = control_auth_policy(config);
    audit_path = audit_log_path(config);
  } catch (const std::runtime_error& error) {
    spdlog::error("configuration error: {}", error.what());
    return 2;
  }
  EventStreamStats event_streams;
  AuditLog audit(AuditLogOptions{audit_path, static_cast<std::uint64_t>(config.control.audit_max_bytes),
                                 static_cast<unsigned>(config.control.audit_keep)});
  ControlApi control(audit, events, auth_policy);
  if (auto collector = pod_events.make_collector()) collectors.push_back(std::move(collector));

  SnapshotStore store;
  SnapshotBuilder builder(start_time, static_cast<double>(config.power.node_envelope_watts));
  builder.add_contributor([&](MetricSet& out) { add_event_metrics(events, event_streams, out); });
  builder.add_contributor([&](MetricSet& out) { add_control_metrics(control, audit, out); });
  builder.add_contributor([](MetricSet& out) { add_agent_process_metrics(out); });
  // Tokens per joule (issue 12), for configured and discovered model servers.
  ModelEfficiency model_efficiency(config.app.endpoints, config.app.window,
                                   app_discovery_active(config, pod_events.watcher()));
  builder.add_contributor([&](MetricSet& out) { model_efficiency.contribute(out); });
  ConfigReloader reloader(settings, config, std::move(loader));
  add_reload_targets(reloader, control, builder);
  register_builtin_control_actions(control, reloader, events);
  PolicyController policies(policy_controller_options(config, fs, resolve_state_dir(config.state.dir).path),
                            make_driver_backend(config.gpu.nvml_library, config.path.sysfs), events, control);
  builder.add_contributor([&](MetricSet& out) { policies.add_metrics(out); });
  register_policy_control_actions(control, policies);
  reloader.add_target({{"policy.dir", "power.node_envelope_watts"}, [&policies](const Config& next) {
                         std::string dir = next.policy.dir;
                         auto watts = next.power.node_envelope_watts;
                         return std::function<void()>([&policies, dir, watts] {
                           policies.set_directory(dir);  // re-read on every reload, changed or not
                           policies.set_envelope_watts(watts > 0 ? std::optional<double>(static_cast<double>(watts)) : std::nullopt);
                         });
                       }});

  // Root-cause analysis (docs/rca.md): reads each snapshot and the bus
  // events it needs, publishes rca_finding events, serves /v1/rca.
  aiops::RcaEngine rca({}, [&events](EventDraft draft) { events.publish(std::move(draft)); });
  auto rca_subscription = events.subscribe([&rca](const EventPtr&, const EventDraft& draft) { rca.on_event(draft); });
  builder.add_contributor([&](MetricSet& out) { rca.add_metrics(out); });

  FailureLog failure_log;
  SnapshotEventDeriver event_deriver;
  // NVML's XIDs reach a snapshot up to an interval after the kernel logged them.
  XidLedger xid_ledger(std::max<std::chrono::system_clock::duration>(std::chrono::seconds(30), 3 * config.collect.interval));
  KernelXidFollower kernel_xids = make_kernel_xid_follower(config, xid_ledger);
  RiskTracker risk(events, state_file(config, "risk.json"));
  builder.add_contributor([&](MetricSet& out) {
    xid_ledger.add_metrics(out);
    kernel_xids.add_metrics(out);
    risk.add_metrics(out);
  });
  CycleHistory history(std::chrono::duration<double>(config.collect.interval).count());
  auto timeout = config.collect.timeout.count() > 0 ? config.collect.timeout : config.collect.interval;
  SchedulerOptions schedule;
  schedule.interval = config.collect.interval;
  schedule.timeout = timeout;
  // Issue 15: rates and utilizations are in the first snapshot /readyz announces.
  schedule.first_reading_gap = std::min(config.collect.interval, std::chrono::milliseconds(500));
  KeptOpenFiles::set_enabled(config.collect.keep_files_open);
  Scheduler scheduler(std::move(collectors), fs, schedule,
                      [&](CycleResult&& cycle) {
                        failure_log.observe(cycle.collectors);
                        auto snapshot = builder.build(std::move(cycle));
                        store.publish(snapshot);
                        for (auto& event : xid_ledger.deduplicate(event_deriver.derive(*snapshot))) events.publish(std::move(event));
                        for (auto& event : kernel_xids.poll(*snapshot)) events.publish(std::move(event));
                        risk.observe(*snapshot);
                        model_efficiency.observe(*snapshot);
                        pod_events.observe(*snapshot);
                        history.observe(*snapshot);
                        rca.observe(*snapshot);
                        policies.observe(*snapshot);
                        data_plane.append(std::move(snapshot));
                      });

  HttpServerOptions http_options;
  http_options.listen_address = config.web.listen_address;
  http_options.max_connections = config.web.max_connections;
  http_options.read_timeout = config.web.read_timeout;
  http_options.max_request_bytes = config.web.max_request_bytes;
  http_options.max_header_count = config.web.max_header_count;
  RouteOptions routes;
  routes.telemetry_path = config.web.telemetry_path;
  routes.start_time = start_time;
  routes.events = &events;
  routes.event_stream_stats = &event_streams;
  routes.event_stream_options =
      EventStreamOptions{config.events.heartbeat_interval, static_cast<std::size_t>(config.events.client_queue_bytes),
                         config.events.write_timeout};
  routes.control = &control;
  routes.json_views["/v1/policies"] = [&policies](const HttpRequest&) { return policies.view(); };
  // /v1/status shows the server's web config state: the routes get the
  // server they are handed to (only its address is taken here).
  routes.buffer = data_plane.buffer();
  register_diagnose_action(control, store, risk, kernel_xids);
  routes.gpu_annotators.push_back([&risk](nlohmann::json& gpu) { risk.annotate_gpu(gpu); });
  routes.json_views["/v1/history"] = [&history](const HttpRequest&) { return history.to_json(); };
  routes.json_views["/v1/rca"] = [&rca](const HttpRequest&) { return rca.to_json(); };
  HttpServer server(http_options, [&] {
    routes.server = &server;
    return make_routes(store, routes);
  }());
  if (auto error = server.set_web_config(config.web.config_file)) {
    spdlog::error("{}", *error);
    return 2;
  }
  // Every reload (SIGHUP, POST /v1/control/reload) re-reads the web config
  // file, changed path or not. A bad one does not block the rest of the
  // reload: the server keeps the previous one and reports why (log,
  // /v1/status, ainode_web_config_reload_success).
  reloader.add_target({{"web.config_file"}, [&server](const Config& next) {
                         std::string path = next.web.config_file;
                         return std::function<void()>([&server, path] { server.set_web_config(path); });
                       }});
  try {
    server.start();
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
  auto web = server.web_config_status();
  spdlog::info("listening on {} (port {}, {}{}), metrics at {}", config.web.listen_address, server.port(),
               web.tls ? "HTTPS, client auth " + web.client_auth_type : "plain HTTP",
               web.basic_auth ? ", basic auth" : "", config.web.telemetry_path);
  builder.set_http_server(&server);
  // Before the first cycle, so the first snapshot already counts it.
  events.publish(EventDraft{"agent_started", Severity::info, {}, std::string("ainode ") + build::version + " started",
                            {{"version", build::version}, {"revision", build::revision}}});
  data_plane.start();
  pod_events.start();
  scheduler.start();

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    spdlog::info("SIGHUP: reloading the configuration");
    reload_on_signal(reloader, control, events);
  }
  spdlog::info("received signal {}, shutting down", received);
  events.publish(EventDraft{"agent_stopping", Severity::info, {}, "ainode is shutting down", {{"signal", received}}});
  server.stop();
  scheduler.stop();
  policies.stop();  // after the last cycle: put back every setting the engine changed
  return 0;
}

}  // namespace ainode
