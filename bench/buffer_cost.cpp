// Cost of the local buffer and of replaying it (issue 12):
//  - write: CPU and wall time per collection cycle to encode, compress and
//    commit (one fsync) a real cycle of this machine, and bytes on disk per
//    sample;
//  - replay: samples per second the remote_write sender turns from the
//    buffer into requests (read, decode, merge per series, compress) with
//    the network left out (the receiver answers at once, in-process).
//
//   bench_buffer_cost [cycles] [state directory]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "app/builtin_collectors.hpp"
#include "app/snapshot_builder.hpp"
#include "buffer/buffer.hpp"
#include "config/settings.hpp"
#include "core/scheduler.hpp"
#include "remote_write/sender.hpp"

#include "bench_support.hpp"

int main(int argc, char** argv) {
  using namespace ainode;
  int cycles = argc > 1 ? std::atoi(argv[1]) : 300;
  std::string directory = argc > 2 ? argv[2] : "/var/tmp/ainode-bench-buffer";
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);

  // One real cycle of this machine (default collectors, no GPU).
  auto settings = make_settings(builtin_collector_switches());
  Config config = load_config(settings, "", {}, {{"collectors.gpu", "false"}}).config;
  HostFs fs(config.path.procfs, config.path.sysfs, config.path.rootfs);
  SnapshotBuilder builder(std::chrono::system_clock::now());
  std::vector<Family> families;
  Scheduler scheduler(make_enabled_collectors(config), fs, SchedulerOptions{config.collect.interval, std::chrono::seconds(10)},
                      [&](CycleResult&& cycle) { families = builder.build(std::move(cycle))->families; });
  for (int i = 0; i < 3; ++i) scheduler.run_once();

  auto start = std::chrono::system_clock::now() - std::chrono::seconds(5 * cycles);
  std::vector<std::shared_ptr<const Snapshot>> snapshots;
  for (int i = 0; i < cycles; ++i) {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->taken_at = start + std::chrono::seconds(5 * i);
    snapshot->families = families;
    snapshots.push_back(std::move(snapshot));
  }

  BufferOptions options;
  options.directory = directory;
  options.queue_capacity = static_cast<std::size_t>(cycles);  // measure writing, not dropping
  Buffer buffer(options);
  double cpu_before = bench::process_cpu_seconds();
  auto wall_before = std::chrono::steady_clock::now();
  for (int i = 0; i < cycles; ++i) {
    buffer.append(snapshots[static_cast<std::size_t>(i)]);
    buffer.flush();  // one cycle at a time, as in the agent
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count() / cycles;
  double cpu = (bench::process_cpu_seconds() - cpu_before) / cycles;
  auto status = buffer.status();
  std::printf("write: cycles=%d samples_per_cycle=%lld cpu_seconds_per_cycle=%.6f wall_seconds_per_cycle=%.6f "
              "data_bytes_per_sample=%.2f disk_bytes_per_sample=%.2f\n",
              cycles, static_cast<long long>(status.samples / cycles), cpu, wall,
              static_cast<double>(status.data_bytes) / static_cast<double>(status.samples),
              static_cast<double>(status.file_bytes) / static_cast<double>(status.samples));

  RemoteWriteEndpoint endpoint;
  endpoint.url = "http://bench.invalid/api/v1/write";
  endpoint.external_labels = {{"node", "bench"}};
  RemoteWriteConfig rw;
  rw.max_samples_per_second = 1'000'000'000;
  rw.max_sample_age = std::chrono::hours(24 * 365);
  std::int64_t body_bytes = 0;
  buffer.save_position(endpoint.url, 0);
  RemoteWriteSender sender(buffer, endpoint, rw, [&](const RemoteWriteEndpoint&, const std::string& body, auto, const auto&) {
    body_bytes += static_cast<std::int64_t>(body.size());
    return PostResult{204, "", "", ""};
  });
  cpu_before = bench::process_cpu_seconds();
  wall_before = std::chrono::steady_clock::now();
  sender.start();
  while (sender.stats().samples_sent_total < status.samples) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double replay_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  double replay_cpu = bench::process_cpu_seconds() - cpu_before;
  auto sent = sender.stats().samples_sent_total;
  std::printf("replay: samples=%lld samples_per_second=%.0f cpu_seconds_per_1000_samples=%.6f "
              "request_bytes_per_sample=%.2f\n",
              static_cast<long long>(sent), static_cast<double>(sent) / replay_wall, replay_cpu * 1000.0 / static_cast<double>(sent),
              static_cast<double>(body_bytes) / static_cast<double>(sent));
  std::filesystem::remove_all(directory);
  return 0;
}
