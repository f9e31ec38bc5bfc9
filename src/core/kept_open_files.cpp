#include "core/kept_open_files.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>

namespace ainode {

namespace {

std::atomic<std::size_t> kept_total{0};
std::atomic<bool> keeping_enabled{true};

thread_local std::unique_ptr<KeptOpenFiles> this_thread_files;

// Reads from offset 0 to the end with pread(2). A sysfs attribute is
// generated whole by one show() call, so a short read is its end; procfs
// files are read until pread returns 0.
int pread_all(int fd, bool stop_at_short_read, std::string& out, std::size_t max_bytes) {
  out.clear();
  char buffer[8192];
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    out.append(buffer, static_cast<std::size_t>(n));
    offset += n;
    if (out.size() > max_bytes) return EFBIG;
    if (stop_at_short_read && static_cast<std::size_t>(n) < sizeof buffer) return 0;
  }
}

// Plain read(2) to the end: files that refuse pread (ESPIPE) and files that
// are not kept.
int read_to_end(int fd, std::string& out, std::size_t max_bytes) {
  out.clear();
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) return EFBIG;
  }
}

}  // namespace

int read_whole_file(const std::filesystem::path& path, std::string& out, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int error = read_to_end(fd, out, max_bytes);
  ::close(fd);
  return error;
}

bool keepable_sysfs_path(const std::string& path) {
  // Network interfaces (/sys/class/net/<if>, /sys/devices/.../net/<if>) and
  // RDMA devices (/sys/class/infiniband/<dev>) can be renamed while alive.
  for (const char* renameable : {"/net/", "/infiniband/", "/infiniband_verbs/", "/infiniband_mad/"}) {
    if (path.find(renameable) != std::string::npos) return false;
  }
  return true;
}

std::size_t KeptOpenFiles::budget() {
  static const std::size_t value = [] {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kMaxKeptFiles;
    return std::min<std::size_t>(kMaxKeptFiles, static_cast<std::size_t>(limit.rlim_cur / 4));
  }();
  return value;
}

KeptOpenFiles::~KeptOpenFiles() {
  while (!open_.empty()) forget(open_.begin());
}

KeptOpenFiles* KeptOpenFiles::for_this_thread() { return this_thread_files.get(); }

void KeptOpenFiles::set_enabled(bool enabled) { keeping_enabled.store(enabled); }

void KeptOpenFiles::enable_for_this_thread() {
  if (!this_thread_files && keeping_enabled.load()) this_thread_files = std::make_unique<KeptOpenFiles>();
}

void KeptOpenFiles::end_cycle_for_this_thread() {
  if (this_thread_files) this_thread_files->end_cycle();
}

void KeptOpenFiles::forget(std::unordered_map<std::string, Entry>::iterator it) {
  ::close(it->second.fd);
  open_.erase(it);
  kept_total.fetch_sub(1, std::memory_order_relaxed);
}

int KeptOpenFiles::read(const std::filesystem::path& path, std::string& out, std::size_t max_bytes) {
  if (auto it = open_.find(path.native()); it != open_.end()) {
    int error = pread_all(it->second.fd, it->second.sysfs, out, max_bytes);
    if (error == 0 || error == EFBIG) {
      it->second.last_cycle = cycle_;
      return error;
    }
    // The object behind the fd is gone (or the fd went bad): start over.
    forget(it);
  }
  return read_fresh(path, out, max_bytes);
}

int KeptOpenFiles::read_fresh(const std::filesystem::path& path, std::string& out, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct statfs fs_info{};
  bool procfs = false, sysfs = false;
  if (::fstatfs(fd, &fs_info) == 0) {
    procfs = fs_info.f_type == PROC_SUPER_MAGIC;
    sysfs = fs_info.f_type == SYSFS_MAGIC;
  }
  // procfs has no renameable objects (its net/ files are global tables).
  bool keep = (procfs || (sysfs && keepable_sysfs_path(path.native()))) &&
              kept_total.load(std::memory_order_relaxed) < budget();
  int error = 0;
  if (keep) {
    error = pread_all(fd, sysfs, out, max_bytes);
    if (error == ESPIPE) {  // a file without positioned reads: read it plainly, never keep it
      keep = false;
      error = read_to_end(fd, out, max_bytes);
    }
  } else {
    error = read_to_end(fd, out, max_bytes);
  }
  if (!keep || error != 0) {
    ::close(fd);
    return error;
  }
  open_.emplace(path.native(), Entry{fd, sysfs, cycle_});
  kept_total.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

void KeptOpenFiles::end_cycle() {
  for (auto it = open_.begin(); it != open_.end();) {
    auto next = std::next(it);
    if (it->second.last_cycle < cycle_) forget(it);
    it = next;
  }
  ++cycle_;
}

}  // namespace ainode
