// ainode-twin: the node twin for people and tests (never linked into ainode).
//   ainode-twin host SCENARIO --out DIR [--at T]   write the evolving procfs/sysfs tree
//   ainode-twin run SCENARIO [--listen ADDR]        the tree, the simulated NVML and the agent, wired
//   ainode-twin kubelet SCENARIO --listen ADDR      the twin kubelet alone (tests stop and restart it)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "model_server.hpp"
#include "twin_kubelet.hpp"
#include "twin/host_tree.hpp"

namespace fs = std::filesystem;
using namespace ainode::twin;

namespace {

std::atomic<bool> stopping{false};
void on_signal(int) { stopping = true; }

// Built next to the agent and the simulator: build/twin/ainode-twin.
fs::path build_dir() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path(AINODE_BUILD_DIR) : self.parent_path().parent_path();
}

void write_clock(const fs::path& clock, double t) {
  fs::path temporary = clock;
  temporary += ".tmp";
  std::ofstream(temporary) << t;
  fs::rename(temporary, clock);
}

struct Options {
  std::string scenario, out, base_proc = AINODE_SOURCE_DIR "/tests/fixtures/proc",
                             base_sys = AINODE_SOURCE_DIR "/tests/fixtures/sys";
  double at = -1, speed = 1, tick_seconds = 1, duration = 0;
  std::string listen = "127.0.0.1:9100", agent, nvml, model_server = "127.0.0.1:8000";
  // The twin kubelet's HTTP side (/pods, /stats/summary): 10255 is the port
  // of the kubelet's old read-only HTTP API, which served /pods.
  std::string kubelet_listen = "127.0.0.1:10255";
  std::string kubelet_socket, clock;  // `kubelet`: PodResources socket, scenario clock file
};

double read_clock(const fs::path& clock) {
  double t = 0;
  std::ifstream(clock) >> t;
  return t;
}

// Renders the tree each tick from scenario time = wall time * speed, and
// writes that time to `clock` (the simulated NVML reads it) so both halves
// of the twin share one clock. Returns when stopped or past `duration`.
void host_loop(HostTree& tree, const Options& o, const fs::path& clock, TwinKubelet* kubelet = nullptr) {
  auto start = std::chrono::steady_clock::now();
  auto next = start;
  while (!stopping) {
    double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() * o.speed;
    if (!clock.empty()) write_clock(clock, t);
    tree.render(t);
    if (kubelet != nullptr) kubelet->set_time(t);
    if (o.duration > 0 && t >= o.duration) return;
    // The clock file ticks ten times a second so GPU time stays smooth; the tree once a tick.
    for (int i = 0; i < 10 && !stopping; ++i) {
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(o.tick_seconds / 10));
      std::this_thread::sleep_until(next);
      double now_t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() * o.speed;
      if (!clock.empty()) write_clock(clock, now_t);
    }
  }
}

int run_host(const Options& o) {
  HostTree tree(o.base_proc, o.base_sys, o.out, load_causes(o.scenario));
  if (o.at >= 0) {
    tree.render(o.at);
    return 0;
  }
  host_loop(tree, o, o.out + "/clock");
  return 0;
}

int run_all(const Options& o) {
  fs::path work = o.out.empty() ? fs::temp_directory_path() / ("ainode-twin-" + std::to_string(getpid())) : fs::path(o.out);
  fs::create_directories(work);
  fs::path clock = work / "clock";
  write_clock(clock, 0);
  HostTree tree(o.base_proc, o.base_sys, work / "tree", load_causes(o.scenario));
  tree.render(0);
  fs::path agent = o.agent.empty() ? build_dir() / "ainode" : fs::path(o.agent);
  fs::path nvml = o.nvml.empty() ? build_dir() / "nvml_sim/libnvidia-ml.so.1" : fs::path(o.nvml);
  std::string scenario = fs::absolute(o.scenario).string();
  pid_t child = fork();
  if (child == 0) {
    setenv("AINODE_NVML_SIM_SCENARIO", scenario.c_str(), 1);
    setenv("AINODE_NVML_SIM_CLOCK_FILE", clock.c_str(), 1);
    setenv("AINODE_NVML_SIM_STATE_FILE", (work / "gpu_state.json").c_str(), 1);
    std::string proc = tree.proc().string(), sys = tree.sys().string();
    std::string rootfs = AINODE_SOURCE_DIR "/tests/fixtures/rootfs";
    // The twin's own kubelet (never the node's real one).
    std::string kubelet = (work / "kubelet.sock").string();
    std::string state = (work / "state").string();
    std::string kubelet_url = o.kubelet_listen.empty() ? "" : "http://" + o.kubelet_listen;
    execl(agent.c_str(), agent.c_str(), "--web.listen-address", o.listen.c_str(), "--path.procfs", proc.c_str(),
          "--path.sysfs", sys.c_str(), "--path.rootfs", rootfs.c_str(), "--gpu.nvml-library", nvml.c_str(), "--kubelet.pod-resources-socket", kubelet.c_str(),
          "--kubelet.pod-resources-interval", "1s", "--kubelet.url", kubelet_url.c_str(), "--kubelet.pods-interval", "1s",
          "--collect.interval", "1s",
          // Its own state (failure-risk history, audit log): a scenario must not inherit another's.
          "--state.dir", state.c_str(),
          // The simulated XIDs come through the simulated NVML; the host's kernel log is not the twin's.
          "--no-gpu.kmsg-xids",
          // The base tree's amdgpu card is a fixture for the AMD tests; the twin's GPUs are the scenario's.
          "--no-gpu.enable-amd", static_cast<char*>(nullptr));
    std::perror(("ainode-twin: exec " + agent.string()).c_str());
    _exit(127);
  }
  // Started after fork: a gRPC server's threads must not be forked.
  // The twin's model server is the annotated pod's (127.0.0.1 as its podIP):
  // the agent finds it through /pods (app.discover) as on a real node.
  TwinKubelet kubelet((work / "kubelet.sock").string(), o.kubelet_listen, load_pods(o.scenario),
                      load_causes(o.scenario), load_gpu_count(o.scenario), o.model_server);
  if (!kubelet.serving()) std::cerr << "ainode-twin: the twin kubelet did not start\n";
  if (!kubelet.http_bound()) std::cerr << "ainode-twin: no twin kubelet /pods: " << kubelet.http_error() << "\n";
  std::unique_ptr<ModelServer> model;
  if (!o.model_server.empty()) {
    model = std::make_unique<ModelServer>(o.model_server, (work / "gpu_state.json").string(), clock.string());
    if (!model->bound()) std::cerr << "ainode-twin: no model server: " << model->error() << "\n";
  }
  std::cout << "ainode-twin: scenario " << o.scenario << " at " << o.speed << "x\n"
            << "  metrics: http://" << o.listen << "/metrics\n";
  if (model && model->bound()) {
    std::cout << "  model server (vLLM-shaped, the scenario's token workloads): http://" << o.model_server << "/metrics\n";
  }
  std::cout << "  status:  http://" << o.listen << "/v1/status\n"
            << "  kubelet: unix:" << (work / "kubelet.sock").string() << " (PodResources: the scenario's [[pods]])\n";
  if (!o.kubelet_listen.empty()) std::cout << "           http://" << o.kubelet_listen << "/pods (the pods' restarts, OOM kills, evictions)\n";
  std::cout
            << "  tree:    " << (work / "tree").string() << " (procfs, sysfs), clock " << clock.string() << "\n"
            << "  Ctrl-C stops the agent and the twin." << std::endl;
  std::thread host([&] { host_loop(tree, o, clock, &kubelet); });
  while (!stopping) {
    int status = 0;
    if (waitpid(child, &status, WNOHANG) == child) {
      std::cerr << "ainode-twin: the agent exited (status " << status << ")\n";
      stopping = true;
      host.join();
      return 1;
    }
    if (o.duration > 0 && read_clock(clock) >= o.duration) stopping = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(child, SIGTERM);
  waitpid(child, nullptr, 0);
  host.join();
  if (o.out.empty()) fs::remove_all(work);
  return 0;
}

// The twin kubelet alone, at the scenario time of --clock (written by the
// test or by `host`), else wall time times --speed since it started.
int run_kubelet(const Options& o) {
  TwinKubelet kubelet(o.kubelet_socket, o.kubelet_listen, load_pods(o.scenario), load_causes(o.scenario),
                      load_gpu_count(o.scenario));
  if (!o.kubelet_socket.empty() && !kubelet.serving()) {
    std::cerr << "ainode-twin: PodResources did not start on " << o.kubelet_socket << "\n";
    return 1;
  }
  if (!kubelet.http_bound()) {
    std::cerr << "ainode-twin: " << kubelet.http_error() << "\n";
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  while (!stopping) {
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    kubelet.set_time(o.clock.empty() ? wall * o.speed : read_clock(o.clock));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ainode-twin: a simulated GPU node (test and demo infrastructure; nothing it produces is real)"};
  app.require_subcommand(1);
  Options o;
  CLI::App* host = app.add_subcommand("host", "write an evolving procfs/sysfs tree from a scenario");
  host->add_option("scenario", o.scenario, "scenario TOML")->required()->check(CLI::ExistingFile);
  host->add_option("--out", o.out, "output directory (gets proc/, sys/ and the clock file)")->required();
  host->add_option("--at", o.at, "render once for this scenario time (seconds) and exit");
  CLI::App* run = app.add_subcommand("run", "run the twin and the agent wired to it until Ctrl-C");
  run->add_option("scenario", o.scenario, "scenario TOML")->required()->check(CLI::ExistingFile);
  run->add_option("--listen", o.listen, "the agent's --web.listen-address");
  run->add_option("--out", o.out, "keep the tree and clock here (default: a temporary directory, removed)");
  run->add_option("--agent", o.agent, "the ainode binary (default: next to this one)");
  run->add_option("--nvml", o.nvml, "the simulated libnvidia-ml.so.1 (default: the build's)");
  run->add_option("--model-server", o.model_server, "the model server's host:port (empty: none)");
  run->add_option("--kubelet-listen", o.kubelet_listen, "the twin kubelet's /pods host:port (empty: none)");
  CLI::App* kubelet = app.add_subcommand("kubelet", "serve only the twin kubelet (PodResources and /pods)");
  kubelet->add_option("scenario", o.scenario, "scenario TOML")->required()->check(CLI::ExistingFile);
  kubelet->add_option("--listen", o.kubelet_listen, "host:port of /pods and /stats/summary (empty: none)");
  kubelet->add_option("--socket", o.kubelet_socket, "PodResources unix socket (default: none)");
  kubelet->add_option("--clock", o.clock, "read scenario time from this file (as `run` and `host` write it)");
  kubelet->add_option("--speed", o.speed, "scenario seconds per wall second, without --clock")->check(CLI::PositiveNumber);
  for (CLI::App* sub : {host, run}) {
    sub->add_option("--speed", o.speed, "scenario seconds per wall second")->check(CLI::PositiveNumber);
    sub->add_option("--tick", o.tick_seconds, "wall seconds between tree rewrites")->check(CLI::PositiveNumber);
    sub->add_option("--duration", o.duration, "stop at this scenario time (0 = never)");
    sub->add_option("--base-proc", o.base_proc, "base procfs tree");
    sub->add_option("--base-sys", o.base_sys, "base sysfs tree");
  }
  CLI11_PARSE(app, argc, argv);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  try {
    if (kubelet->parsed()) return run_kubelet(o);
    return host->parsed() ? run_host(o) : run_all(o);
  } catch (const std::exception& error) {
    std::cerr << "ainode-twin: " << error.what() << "\n";
    return 2;
  }
}
