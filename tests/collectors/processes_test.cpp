#include <gtest/gtest.h>
#include <unistd.h>

#include "collector_test_support.hpp"
#include "collectors/processes/pid_stat_parser.hpp"
#include "collectors/processes/processes_collector.hpp"
#include "collectors/processes/top_processes.hpp"
#include "core/text.hpp"

using namespace ainode;
using namespace ainode::testing;

namespace {
std::string stat_line(int pid, const std::string& comm, std::uint64_t utime, std::uint64_t rss) {
  return std::to_string(pid) + " (" + comm + ") S 1 1 1 0 -1 0 0 0 0 0 " + std::to_string(utime) +
         " 0 0 0 20 0 1 0 100 1000 " + std::to_string(rss) + " 0 0 0";
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
