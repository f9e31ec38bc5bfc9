// CPU time of one full collection cycle (every enabled collector, snapshot
// building, and one rendering of the text format, as the first scrape of a
// snapshot triggers), measured over many cycles on this machine's real /proc
// and /sys.
//
//   bench_cycle_cost [cycles] [ainode flags as KEY=VALUE settings ...]

#include <cstdio>
#include <cstdlib>

#include "app/builtin_collectors.hpp"
#include "app/snapshot_builder.hpp"
#include "config/settings.hpp"
#include "core/kept_open_files.hpp"
#include "core/scheduler.hpp"


#include "bench_support.hpp"

int main(int argc, char** argv) {
  using namespace ainode;
  int cycles = argc > 1 ? std::atoi(argv[1]) : 200;
  auto settings = make_settings(builtin_collector_switches());
  FlagValues flags;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto equals = arg.find('=');
    if (equals == std::string_view::npos) {
      std::fprintf(stderr, "expected KEY=VALUE, got %s\n", argv[i]);
      return 2;
    }
    flags.emplace(arg.substr(0, equals), arg.substr(equals + 1));
  }
  LoadedConfig loaded = load_config(settings, "", {}, flags);
  const Config& config = loaded.config;

  HostFs fs(config.path.procfs, config.path.sysfs, config.path.rootfs);
  SnapshotBuilder builder(std::chrono::system_clock::now());
  std::size_t bytes = 0;
  KeptOpenFiles::set_enabled(config.collect.keep_files_open);  // collect.keep_files_open=false: the open/read/close path
  Scheduler scheduler(make_enabled_collectors(config), fs, SchedulerOptions{config.collect.interval, std::chrono::seconds(10)},
                      [&](CycleResult&& cycle) { bytes = builder.build(std::move(cycle))->prometheus_text->plain()->size(); });
  for (int i = 0; i < 3; ++i) scheduler.run_once();  // warm-up: first-cycle state, page cache
  double before = ainode::bench::process_cpu_seconds();
  for (int i = 0; i < cycles; ++i) scheduler.run_once();
  double per_cycle = (ainode::bench::process_cpu_seconds() - before) / cycles;
  std::printf("cycles=%d cpu_seconds_per_cycle=%.6f metrics_bytes=%zu\n", cycles, per_cycle, bytes);
  return 0;
}
