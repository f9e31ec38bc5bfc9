#pragma once
// The host simulator's output: a procfs/sysfs tree copied once from a base
// tree, whose changing files are rewritten for each scenario time t, each
// written beside and renamed over so the agent never reads half a file.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "twin/causes.hpp"

namespace ainode::twin {

class HostTree {
 public:
  // Copies base_proc and base_sys to out/proc and out/sys. Throws
  // std::filesystem::filesystem_error when a path cannot be read or written.
  HostTree(const std::filesystem::path& base_proc, const std::filesystem::path& base_sys,
           const std::filesystem::path& out, Causes causes);
  void render(double t);
  std::filesystem::path proc() const { return out_ / "proc"; }
  std::filesystem::path sys() const { return out_ / "sys"; }

 private:
  struct Process {
    std::string pid, pod_uid, cgroup;
    std::map<std::string, std::string> files;  // name in /proc/<pid>/ -> base text
    double busy_cpus = 0;
  };
  void write(const std::filesystem::path& relative, const std::string& text);
  void render_processes(double t);

  std::filesystem::path out_;
  Causes causes_;
  std::map<std::string, std::string> base_;  // relative path -> base text of every file rewritten
  std::vector<Process> processes_;
  unsigned cpus_ = 0;
};

}  // namespace ainode::twin
