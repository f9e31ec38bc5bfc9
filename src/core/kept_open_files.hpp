#pragma once
// Files a collector reads every cycle stay open and are read again with
// pread(2) from offset 0, which makes procfs and sysfs generate them afresh
// (seq_file resets its iterator on a read at offset 0; a sysfs attribute
// calls its show() again). That saves the open(2) path walk and the close(2)
// of every kept file on every cycle (issue 15: the cycle against the
// open-read-close floor).
//
// Correctness when files vanish and reappear:
//  - A file whose object is gone fails its next read (ESRCH for an exited
//    process, even if its pid is reused; ENODEV for a removed sysfs node):
//    the fd is closed and the path opened afresh, which then finds the new
//    object or reports the file missing.
//  - Files not read during a cycle are closed at its end (end_cycle), so
//    exited processes and unplugged devices hold nothing; a file read only
//    on slow cycles is opened afresh each time, as before.
//  - Only procfs and sysfs files are kept (fstatfs at open). A regular file
//    (a fixture tree, a file replaced by rename) is always opened afresh.
//  - sysfs paths under a directory whose entries can be renamed while they
//    live (network interfaces, RDMA devices) are never kept: after `ip link set
//    eth0 name eth1` an fd opened as .../eth0/... would read eth1 while a new
//    eth0 appears beside it.
//
// One instance per collector thread (core/collector_runner), so no locking;
// other threads read with open/read/close. The number of fds kept by all
// instances together is bounded by a share of RLIMIT_NOFILE, so keeping
// files never starves the HTTP server of descriptors.
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>

namespace ainode {

class KeptOpenFiles {
 public:
  KeptOpenFiles() = default;
  ~KeptOpenFiles();
  KeptOpenFiles(const KeptOpenFiles&) = delete;
  KeptOpenFiles& operator=(const KeptOpenFiles&) = delete;

  // The calling thread's instance, or null when the thread has not opted in.
  static KeptOpenFiles* for_this_thread();
  // Opts the calling thread in (a collector runner's worker thread), unless
  // set_enabled(false) was called (collect.keep_files_open = false).
  static void enable_for_this_thread();
  static void set_enabled(bool enabled);
  // Closes the calling thread's kept files not read since its previous call.
  static void end_cycle_for_this_thread();

  // Reads the whole file (at most `max_bytes`) into `out`; 0 or an errno.
  int read(const std::filesystem::path& path, std::string& out, std::size_t max_bytes);
  // Closes every file not read since the previous end_cycle().
  void end_cycle();
  // Files kept open by this instance.
  std::size_t size() const { return open_.size(); }

  // The most fds all instances together keep open: a quarter of the soft
  // RLIMIT_NOFILE (the agent raises it to the hard limit at start), at most
  // kMaxKeptFiles.
  static constexpr std::size_t kMaxKeptFiles = 4096;
  static std::size_t budget();

 private:
  struct Entry {
    int fd = -1;
    bool sysfs = false;  // a sysfs attribute is served whole by one read
    std::uint64_t last_cycle = 0;
  };
  int read_fresh(const std::filesystem::path& path, std::string& out, std::size_t max_bytes);
  void forget(std::unordered_map<std::string, Entry>::iterator it);

  std::unordered_map<std::string, Entry> open_;
  std::uint64_t cycle_ = 0;
};

// Opens, reads to the end with read(2) (procfs and sysfs report size 0, so
// no stat-based sizing) and closes; 0 or an errno (EFBIG past max_bytes).
int read_whole_file(const std::filesystem::path& path, std::string& out, std::size_t max_bytes);

// Whether a sysfs path may be kept open (not below one of the renameable
// directories above); exposed for tests.
bool keepable_sysfs_path(const std::string& path);

}  // namespace ainode
