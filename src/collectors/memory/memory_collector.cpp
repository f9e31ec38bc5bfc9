#include "collectors/memory/memory_collector.hpp"

#include <unistd.h>

#include "collectors/memory/meminfo_parser.hpp"

namespace ainode {

namespace {

const MetricDesc kTotal{"ainode_memory_total_bytes", MetricType::gauge, "bytes", "Usable RAM (MemTotal)."};
const MetricDesc kAvailable{"ainode_memory_available_bytes", MetricType::gauge, "bytes",
                            "Memory available for new work without swapping (MemAvailable)."};
const MetricDesc kUsed{"ainode_memory_used_bytes", MetricType::gauge, "bytes",
                       "MemTotal - MemAvailable: memory that cannot be handed out without reclaim."};
const MetricDesc kFree{"ainode_memory_free_bytes", MetricType::gauge, "bytes", "Completely unused RAM (MemFree)."};
const MetricDesc kCached{"ainode_memory_cached_bytes", MetricType::gauge, "bytes", "Page cache (Cached)."};
const MetricDesc kBuffers{"ainode_memory_buffers_bytes", MetricType::gauge, "bytes", "Block device buffers (Buffers)."};
const MetricDesc kShared{"ainode_memory_shared_bytes", MetricType::gauge, "bytes", "Shared memory and tmpfs (Shmem)."};
const MetricDesc kDirty{"ainode_memory_dirty_bytes", MetricType::gauge, "bytes", "Memory waiting to be written back (Dirty)."};
const MetricDesc kHugePagesTotal{"ainode_memory_hugepages", MetricType::gauge, "", "Huge pages in the pool (HugePages_Total)."};
const MetricDesc kHugePagesFree{"ainode_memory_hugepages_free", MetricType::gauge, "", "Unallocated huge pages (HugePages_Free)."};
const MetricDesc kSwapTotal{"ainode_swap_total_bytes", MetricType::gauge, "bytes", "Swap space (SwapTotal)."};
const MetricDesc kSwapFree{"ainode_swap_free_bytes", MetricType::gauge, "bytes", "Unused swap (SwapFree)."};
const MetricDesc kSwapUsed{"ainode_swap_used_bytes", MetricType::gauge, "bytes", "SwapTotal - SwapFree."};
const MetricDesc kPagedIn{"ainode_memory_paged_in_bytes_total", MetricType::counter, "bytes",
                          "Bytes paged in from block devices (pgpgin)."};
const MetricDesc kPagedOut{"ainode_memory_paged_out_bytes_total", MetricType::counter, "bytes",
                           "Bytes paged out to block devices (pgpgout)."};
const MetricDesc kSwappedIn{"ainode_memory_swapped_in_bytes_total", MetricType::counter, "bytes",
                            "Bytes swapped in (pswpin pages x page size)."};
const MetricDesc kSwappedOut{"ainode_memory_swapped_out_bytes_total", MetricType::counter, "bytes",
                             "Bytes swapped out (pswpout pages x page size)."};
const MetricDesc kPageFaults{"ainode_memory_page_faults_total", MetricType::counter, "", "Page faults (pgfault)."};
const MetricDesc kMajorPageFaults{"ainode_memory_major_page_faults_total", MetricType::counter, "",
                                  "Page faults that needed I/O (pgmajfault)."};
const MetricDesc kOomKills{"ainode_memory_oom_kills_total", MetricType::counter, "",
                           "Processes killed by the OOM killer (oom_kill)."};

using Values = std::map<std::string, std::uint64_t, std::less<>>;

void add_if_present(MetricSet& out, const MetricDesc& desc, const Values& values, std::string_view key,
                    double scale = 1.0) {
  if (auto found = values.find(key); found != values.end()) out.add(desc, static_cast<double>(found->second) * scale);
}

}  // namespace

std::vector<const MetricDesc*> MemoryCollector::describe() const {
  return {&kTotal,     &kAvailable, &kUsed,     &kFree,       &kCached,      &kBuffers,   &kShared,
          &kDirty,     &kHugePagesTotal, &kHugePagesFree, &kSwapTotal, &kSwapFree, &kSwapUsed, &kPagedIn,
          &kPagedOut,  &kSwappedIn, &kSwappedOut, &kPageFaults, &kMajorPageFaults, &kOomKills};
}

void MemoryCollector::collect(CollectContext& context, MetricSet& out) {
  Values meminfo = parse_meminfo(HostFs::read(context.fs.proc("meminfo")));
  add_if_present(out, kTotal, meminfo, "MemTotal");
  add_if_present(out, kAvailable, meminfo, "MemAvailable");
  if (meminfo.contains("MemTotal") && meminfo.contains("MemAvailable")) {
    out.add(kUsed, static_cast<double>(meminfo["MemTotal"]) - static_cast<double>(meminfo["MemAvailable"]));
  }
  add_if_present(out, kFree, meminfo, "MemFree");
  add_if_present(out, kCached, meminfo, "Cached");
  add_if_present(out, kBuffers, meminfo, "Buffers");
  add_if_present(out, kShared, meminfo, "Shmem");
  add_if_present(out, kDirty, meminfo, "Dirty");
  add_if_present(out, kHugePagesTotal, meminfo, "HugePages_Total");
  add_if_present(out, kHugePagesFree, meminfo, "HugePages_Free");
  add_if_present(out, kSwapTotal, meminfo, "SwapTotal");
  add_if_present(out, kSwapFree, meminfo, "SwapFree");
  if (meminfo.contains("SwapTotal") && meminfo.contains("SwapFree")) {
    out.add(kSwapUsed, static_cast<double>(meminfo["SwapTotal"]) - static_cast<double>(meminfo["SwapFree"]));
  }

  Values vmstat = parse_vmstat(HostFs::read(context.fs.proc("vmstat")));
  static const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  constexpr double kKibibyte = 1024.0;
  add_if_present(out, kPagedIn, vmstat, "pgpgin", kKibibyte);
  add_if_present(out, kPagedOut, vmstat, "pgpgout", kKibibyte);
  add_if_present(out, kSwappedIn, vmstat, "pswpin", page_size);
  add_if_present(out, kSwappedOut, vmstat, "pswpout", page_size);
  add_if_present(out, kPageFaults, vmstat, "pgfault");
  add_if_present(out, kMajorPageFaults, vmstat, "pgmajfault");
  add_if_present(out, kOomKills, vmstat, "oom_kill");
}

}  // namespace ainode
