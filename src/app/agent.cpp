#include "app/agent.hpp"

#include <csignal>
#include <pthread.h>

#include <spdlog/spdlog.h>

#include "ainode/build_info.hpp"
#include "app/builtin_collectors.hpp"
#include "app/routes.hpp"
#include "app/snapshot_builder.hpp"
#include "app/snapshot_store.hpp"
#include "core/scheduler.hpp"
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
      bool failing = !c.success;
      if (failing && !failing_[i]) spdlog::warn("collector {} failed: {}", c.name, c.last_error);
      if (!failing && failing_[i]) spdlog::info("collector {} recovered", c.name);
      failing_[i] = failing;
    }
  }

 private:
  std::vector<bool> failing_;
};

sigset_t termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

int run_agent(const Config& config) {
  // Block the termination signals before any thread starts, so every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto start_time = std::chrono::system_clock::now();
  spdlog::info("ainode {} ({}) starting; procfs={} sysfs={} rootfs={}", build::version, build::revision,
               config.path.procfs, config.path.sysfs, config.path.rootfs);

  HostFs fs(config.path.procfs, config.path.sysfs, config.path.rootfs);
  auto collectors = make_enabled_collectors(config);
  std::string names;
  for (const auto& c : collectors) names += (names.empty() ? "" : ",") + std::string(c->name());
  spdlog::info("collectors: {}", names);

  SnapshotStore store;
  SnapshotBuilder builder(start_time, static_cast<double>(config.power.node_envelope_watts));
  FailureLog failure_log;
  auto timeout = config.collect.timeout.count() > 0 ? config.collect.timeout : config.collect.interval;
  Scheduler scheduler(std::move(collectors), fs, SchedulerOptions{config.collect.interval, timeout},
                      [&](CycleResult&& cycle) {
                        failure_log.observe(cycle.collectors);
                        store.publish(builder.build(std::move(cycle)));
                      });

  HttpServerOptions http_options;
  http_options.listen_address = config.web.listen_address;
  http_options.max_connections = config.web.max_connections;
  http_options.read_timeout = config.web.read_timeout;
  http_options.max_request_bytes = config.web.max_request_bytes;
  http_options.max_header_count = config.web.max_header_count;
  HttpServer server(http_options, make_routes(store, RouteOptions{config.web.telemetry_path, start_time, &server}));
  if (auto error = server.set_web_config(config.web.config_file)) {
    spdlog::error("{}", *error);
    return 2;
  }
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
  scheduler.start();

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received signal {}, shutting down", received);
  server.stop();
  scheduler.stop();
  return 0;
}

}  // namespace ainode
