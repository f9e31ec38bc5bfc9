#include "gpu/kernel_xid_follower.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "events/xid_event.hpp"
#include "gpu/gpu_view.hpp"

namespace ainode {

namespace {

const MetricDesc kUp{"ainode_kernel_log_up", MetricType::gauge, "",
                     "1 when the agent follows the kernel log (/dev/kmsg) for GPU XIDs, 0 when it cannot open it."};
const MetricDesc kXids{"ainode_gpu_kernel_log_xids_total", MetricType::counter, "",
                       "NVIDIA driver XID lines read from the kernel log since start, by GPU and code (before "
                       "deduplication with NVML's events; records already in the buffer at start included).",
                       {"gpu", "uuid", "xid"}};
const MetricDesc kUnmatched{"ainode_kernel_log_xids_unmatched_total", MetricType::counter, "",
                            "Kernel-log XIDs whose PCI address is none of this agent's GPUs (hidden by "
                            "visible_devices, or seen before NVML named the GPU)."};
const MetricDesc kLost{"ainode_kernel_log_records_lost_total", MetricType::counter, "",
                       "Kernel log records the agent could not read: overwritten before it read them, or "
                       "suppressed by the kernel's rate limiter (any subsystem's), or refused by a read error.",
                       {"reason"}};

class DevKmsg : public KmsgSource {
 public:
  explicit DevKmsg(int fd) : fd_(fd) {}
  ~DevKmsg() override { ::close(fd_); }
  Read read(std::string& record) override {
    // Each read() returns exactly one record; the kernel refuses a buffer
    // too small for it (EINVAL), and 8 KiB is above its record limit.
    char buffer[8192];
    for (;;) {
      ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n > 0) {
        record.assign(buffer, static_cast<std::size_t>(n));
        return Read::record;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return Read::empty;
      if (n < 0 && errno == EPIPE) return Read::overwritten;
      return n == 0 ? Read::empty : Read::failed;
    }
  }
  std::uint64_t monotonic_now_microseconds() const override {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000;
  }

 private:
  int fd_;
};

std::string pci_text(const PciAddress& pci) { return fmt::format("{:04x}:{:02x}:{:02x}", pci.domain, pci.bus, pci.device); }

// At most this many records a cycle: a full kernel buffer is a few thousand.
constexpr int kMaxRecordsPerPoll = 20000;

}  // namespace

std::unique_ptr<KmsgSource> open_dev_kmsg(const std::string& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("{}: {}{}", path, std::strerror(errno),
                        errno == EPERM || errno == EACCES
                            ? " (reading the kernel log needs CAP_SYSLOG when kernel.dmesg_restrict = 1, and the "
                              "device allowed in the container: docs/risk.md)"
                            : "");
    return nullptr;
  }
  return std::make_unique<DevKmsg>(fd);
}

std::vector<const MetricDesc*> KernelXidFollower::descriptors() { return {&kUp, &kXids, &kUnmatched, &kLost}; }

KernelXidFollower::KernelXidFollower(std::unique_ptr<KmsgSource> source, std::string reason, XidLedger& ledger,
                                     Clock::time_point started)
    : source_(std::move(source)), reason_(std::move(reason)), ledger_(ledger), started_(started) {}

void KernelXidFollower::learn_gpus(const Snapshot& snapshot) {
  for (const auto& gpu : gpu_views(snapshot)) {
    if (gpu.reading.pci_bus_id.empty() || gpu.reading.uuid.empty()) continue;
    if (auto pci = parse_pci_address(gpu.reading.pci_bus_id)) gpus_[*pci] = Gpu{gpu.reading.index, gpu.reading.uuid};
  }
}

std::vector<EventDraft> KernelXidFollower::poll(const Snapshot& snapshot, Clock::time_point now) {
  std::vector<EventDraft> out;
  if (!source_) return out;
  learn_gpus(snapshot);
  std::uint64_t monotonic_now = source_->monotonic_now_microseconds();
  std::string text;
  for (int i = 0; i < kMaxRecordsPerPoll; ++i) {
    auto result = source_->read(text);
    if (result == KmsgSource::Read::empty) break;
    if (result == KmsgSource::Read::overwritten) continue;  // the sequence gap says how many
    if (result == KmsgSource::Read::failed) {
      ++read_errors_;
      break;
    }
    auto record = parse_kmsg_record(text);
    if (!record) continue;
    if (last_sequence_ && record->sequence > *last_sequence_ + 1) {
      overwritten_ += record->sequence - *last_sequence_ - 1;
    }
    last_sequence_ = record->sequence;
    handle(*record, now, monotonic_now, out);
  }
  return out;
}

void KernelXidFollower::handle(const KmsgRecord& record, Clock::time_point now, std::uint64_t monotonic_now,
                               std::vector<EventDraft>& out) {
  if (auto suppressed = parse_callbacks_suppressed(record.message)) {
    rate_limited_ += *suppressed;
    return;
  }
  auto xid = parse_kernel_xid(record.message);
  if (!xid) return;
  // The record's wall time from its monotonic stamp.
  auto age = std::chrono::microseconds(monotonic_now > record.monotonic_microseconds
                                           ? monotonic_now - record.monotonic_microseconds
                                           : 0);
  Clock::time_point logged = now - std::chrono::duration_cast<Clock::duration>(age);
  EventSubject subject;
  std::string key = "pci:" + pci_text(xid->pci);
  auto gpu = gpus_.find(xid->pci);
  if (gpu != gpus_.end()) {
    subject.gpu = gpu->second.index;
    subject.uuid = gpu->second.uuid;
    key = gpu->second.uuid;
    ++xids_[{gpu->second.index, gpu->second.uuid, xid->code}];
  } else {
    ++unmatched_;
  }
  if (!ledger_.first_sighting(key, xid->code, logged, "kmsg")) return;
  EventDraft event = xid_event(subject, xid->code, 1, "kmsg");
  if (gpu == gpus_.end()) {
    event.message = fmt::format("PCI {} (not a GPU of this agent): {}", pci_text(xid->pci),
                                event.message.substr(event.message.find(": ") + 2));
  }
  event.payload["pci_bus_id"] = pci_text(xid->pci);
  event.payload["detail"] = xid->detail;
  event.payload["logged_unix_seconds"] = std::chrono::duration<double>(logged.time_since_epoch()).count();
  event.payload["replayed"] = logged < started_;
  out.push_back(std::move(event));
}

void KernelXidFollower::add_metrics(MetricSet& out) const {
  if (!source_ && reason_.empty()) return;  // turned off
  out.add(kUp, source_ ? 1 : 0);
  if (!source_) return;
  for (const auto& [key, count] : xids_) {
    const auto& [index, uuid, code] = key;
    out.add(kXids, {std::to_string(index), uuid, std::to_string(code)}, static_cast<double>(count));
  }
  out.add(kUnmatched, static_cast<double>(unmatched_));
  out.add(kLost, {"overwritten"}, static_cast<double>(overwritten_));
  out.add(kLost, {"rate_limited"}, static_cast<double>(rate_limited_));
  out.add(kLost, {"read_error"}, static_cast<double>(read_errors_));
}

}  // namespace ainode
