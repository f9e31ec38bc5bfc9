#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector_test_support.hpp"
#include "temp_tree.hpp"
#include "collectors/processes/pid_stat_parser.hpp"
#include "collectors/processes/processes_collector.hpp"
#include "collectors/processes/top_processes.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {
std::string stat_line(int pid, const std::string& comm, std::uint64_t utime, std::uint64_t rss,
                      std::uint64_t start_time = 100) {
  return std::to_string(pid) + " (" + comm + ") S 1 1 1 0 -1 0 0 0 0 0 " + std::to_string(utime) +
         " 0 0 0 20 0 1 0 " + std::to_string(start_time) + " 1000 " + std::to_string(rss) + " 0 0 0";
}


void write_process(const TempTree& tree, int pid, const std::string& comm, std::uint64_t utime, std::uint64_t rss,
                   std::uint64_t start_time = 100) {
  tree.write("proc/" + std::to_string(pid) + "/stat", stat_line(pid, comm, utime, rss, start_time) + "\n");
}

std::vector<std::string> exported_pids(const Collected& out, std::string_view metric) {
  std::vector<std::string> pids;
  const Family* family = out.metrics.find(metric);
  if (family == nullptr) return pids;
  for (const auto& sample : family->samples) pids.emplace_back(sample.label_values.at(0));
  return pids;
}
}  // namespace

TEST(PidStatParser, HostileCommAndFields) {
  auto stat = parse_pid_stat(stat_line(2001, "evil) name) (x", 300, 600000));
  EXPECT_EQ(stat.pid, 2001);
  EXPECT_EQ(stat.comm, "evil) name) (x");
  EXPECT_EQ(stat.state, 'S');
  EXPECT_EQ(stat.utime_ticks, 300u);
  EXPECT_EQ(stat.rss_pages, 600000u);
  EXPECT_EQ(stat.start_time_ticks, 100u);
}

TEST(PidStatParser, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_THROW(parse_pid_stat(""), ParseError);
  EXPECT_THROW(parse_pid_stat("1 (init S 0 1"), ParseError);
  EXPECT_THROW(parse_pid_stat("1 (init) S 0 1 1 0 -1 0 0 0"), ParseError);
  EXPECT_THROW(parse_pid_stat("x (init) S 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1"), ParseError);
  EXPECT_THROW(parse_pid_stat("1 (init) S 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 -5"), ParseError);
  EXPECT_THROW(parse_pid_stat("1 (init) S 0 1 1 0 -1 0 0 0 0 0 abc 1 0 0 20 0 1 0 1 1 1"), ParseError);
  EXPECT_THROW(parse_pid_stat("1 (init) SS 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1"), ParseError);
  EXPECT_THROW(parse_pid_stat("1 )init( S 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1"), ParseError);
  EXPECT_THROW(parse_pid_stat("\x01\xff"), ParseError);
}

TEST(PidStatParser, CommThatLooksLikeFields) {
  // A process can name itself so that a first-')' parser would read fake fields.
  auto stat = parse_pid_stat(stat_line(7, "x) R 1 1 1 0 -1 0 0 0 0 0 99999 99999", 12, 34));
  EXPECT_EQ(stat.comm, "x) R 1 1 1 0 -1 0 0 0 0 0 99999 99999");
  EXPECT_EQ(stat.state, 'S');
  EXPECT_EQ(stat.utime_ticks, 12u);
  EXPECT_EQ(stat.rss_pages, 34u);
  EXPECT_EQ(parse_pid_stat(stat_line(8, "", 1, 2)).comm, "");
}

TEST(TopProcesses, UnionOfCpuAndRssRankingsWithDeterministicTies) {
  std::vector<PidStat> ps;
  for (auto [pid, cpu, rss] : std::vector<std::tuple<int, int, int>>{{10, 500, 1}, {11, 500, 2}, {12, 1, 900}, {13, 2, 2}}) {
    PidStat p;
    p.pid = pid;
    p.utime_ticks = static_cast<std::uint64_t>(cpu);
    p.rss_pages = static_cast<std::uint64_t>(rss);
    ps.push_back(p);
  }
  // N=1: top CPU is a tie between 10 and 11 -> lower pid; top RSS is 12.
  auto chosen = select_top_processes(ps, {}, 1);
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(ps[chosen[0]].pid, 10);
  EXPECT_EQ(ps[chosen[1]].pid, 12);
  // Second cycle: 10 used nothing since, 13 used the most recently.
  std::map<ProcessKey, std::uint64_t> previous = {{{10, 0}, 500}, {{11, 0}, 499}, {{12, 0}, 1}, {{13, 0}, 0}};
  chosen = select_top_processes(ps, previous, 1);
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(ps[chosen[0]].pid, 12);
  EXPECT_EQ(ps[chosen[1]].pid, 13);
  EXPECT_TRUE(select_top_processes(ps, {}, 0).empty());
  // N larger than the process count: everything, still ordered by pid.
  chosen = select_top_processes(ps, {}, 10);
  ASSERT_EQ(chosen.size(), 4u);
  EXPECT_EQ(ps[chosen[3]].pid, 13);
}

TEST(TopProcesses, RssTiesGoToTheLowerPid) {
  std::vector<PidStat> ps(3);
  ps[0].pid = 30, ps[0].rss_pages = 7;
  ps[1].pid = 20, ps[1].rss_pages = 7;
  ps[2].pid = 40, ps[2].rss_pages = 7;
  // All CPU at zero too: both rankings pick pid 20, whatever the input order.
  auto chosen = select_top_processes(ps, {}, 1);
  ASSERT_EQ(chosen.size(), 1u);
  EXPECT_EQ(ps[chosen[0]].pid, 20);
}

TEST(TopProcesses, ReusedPidIsANewProcess) {
  std::vector<PidStat> ps(2);
  ps[0].pid = 10, ps[0].start_time_ticks = 500, ps[0].utime_ticks = 100;  // pid 10 reborn at t=500
  ps[1].pid = 11, ps[1].start_time_ticks = 100, ps[1].utime_ticks = 170;
  std::map<ProcessKey, std::uint64_t> previous = {{{10, 100}, 60}, {{11, 100}, 100}};
  // New pid 10 used 100 ticks in its whole life (all since the last cycle); 11 used 70.
  auto chosen = select_top_processes(ps, previous, 1);
  ASSERT_EQ(chosen.size(), 1u);
  EXPECT_EQ(ps[chosen[0]].pid, 10);
}

TEST(ProcessesCollector, FixtureCountsAndBoundedTopN) {
  ProcessesCollector collector(1);
  auto out = collect_once(collector);
  EXPECT_EQ(out.value("ainode_processes"), 4.0);
  EXPECT_EQ(out.value("ainode_process_threads"), 1.0 + 1 + 64 + 2);
  EXPECT_EQ(out.value("ainode_processes_state", {{"state", "D"}}), 1.0);
  // top 1 by CPU and by RSS is the same process: one series each.
  EXPECT_EQ(out.count("ainode_process_cpu_seconds_total"), 1u);
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  EXPECT_DOUBLE_EQ(*out.value("ainode_process_cpu_seconds_total", {{"pid", "1234"}, {"name", "python3 train.py"}}),
                   (540000.0 + 36000.0) / hz);
  EXPECT_EQ(out.value("ainode_process_resident_memory_bytes", {{"pid", "1234"}}),
            2500000.0 * static_cast<double>(sysconf(_SC_PAGESIZE)));
}

TEST(ProcessesCollector, FixtureWithDefaultTopNExportsEveryProcess) {
  ProcessesCollector collector(10);
  auto out = collect_once(collector);
  EXPECT_EQ(exported_pids(out, "ainode_process_cpu_seconds_total"),
            (std::vector<std::string>{"1", "42", "1234", "2001"}));  // ordered by pid
  EXPECT_EQ(out.count("ainode_process_resident_memory_bytes"), 4u);
  // Kernel thread: no user memory, reported as the 0 the kernel says.
  EXPECT_EQ(out.value("ainode_process_resident_memory_bytes", {{"pid", "42"}, {"name", "kworker/0:1"}}), 0.0);
  // Hostile comm survives intact as a label value.
  EXPECT_TRUE(out.value("ainode_process_cpu_seconds_total", {{"pid", "2001"}, {"name", "evil) name) (x"}}));
  for (const char* state : {"R", "S", "D", "I"}) {
    EXPECT_EQ(out.value("ainode_processes_state", {{"state", state}}), 1.0) << state;
  }
  EXPECT_EQ(out.count("ainode_processes_state"), 4u);
  EXPECT_TRUE(out.warnings.empty());
}

TEST(ProcessesCollector, SecondCycleRanksByCpuUsedSinceTheFirst) {
  TempTree tree;
  write_process(tree, 100, "was busy", 1000, 10);
  write_process(tree, 200, "wakes up", 10, 20);
  write_process(tree, 300, "big", 1, 5000);
  ProcessesCollector collector(1);
  auto first = collect_once(collector, tree.fs());
  // Cycle 1: cumulative CPU picks 100; RSS picks 300. At most 2 x N series.
  EXPECT_EQ(exported_pids(first, "ainode_process_cpu_seconds_total"), (std::vector<std::string>{"100", "300"}));
  EXPECT_EQ(exported_pids(first, "ainode_process_resident_memory_bytes"), (std::vector<std::string>{"100", "300"}));

  write_process(tree, 200, "wakes up", 60, 20);  // +50 ticks; 100 and 300 idle
  auto second = collect_once(collector, tree.fs());
  EXPECT_EQ(exported_pids(second, "ainode_process_cpu_seconds_total"), (std::vector<std::string>{"200", "300"}));
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  EXPECT_DOUBLE_EQ(*second.value("ainode_process_cpu_seconds_total", {{"pid", "200"}}), 60.0 / hz);

  // Cycle 3: pid 200 exited and was reused (new start time) by a process
  // with 100 ticks of its own; 100 used 70. Reuse must not be read as a delta of 40.
  write_process(tree, 100, "was busy", 1070, 10);
  write_process(tree, 200, "reused pid", 100, 20, 900);
  auto third = collect_once(collector, tree.fs());
  EXPECT_EQ(exported_pids(third, "ainode_process_cpu_seconds_total"), (std::vector<std::string>{"200", "300"}));
  EXPECT_TRUE(third.value("ainode_process_cpu_seconds_total", {{"pid", "200"}, {"name", "reused pid"}}));
}

TEST(ProcessesCollector, VanishedProcessIsSkippedSilentlyAndCorruptOneIsWarned) {
  TempTree tree;
  write_process(tree, 1, "init", 5, 5);
  tree.mkdir("proc/77");  // listed, then gone before its stat could be read
  tree.write("proc/88/stat", "88 (trunc");
  tree.mkdir("proc/self");  // not a pid
  ProcessesCollector collector(10);
  auto out = collect_once(collector, tree.fs());
  EXPECT_EQ(out.value("ainode_processes"), 1.0);
  EXPECT_EQ(exported_pids(out, "ainode_process_cpu_seconds_total"), (std::vector<std::string>{"1"}));
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("pid 88"), std::string::npos);
}
