#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

struct MountEntry {
  std::string device;
  std::string mount_point;  // octal escapes (\040) undone
  std::string fs_type;
  bool read_only = false;  // "ro" among the mount options
};

// /proc/<pid>/mounts. Throws ParseError on a line with fewer than four
// fields. Where the same mount point appears more than once, only the last
// (top-most) mount is kept, in the position of its first appearance.
std::vector<MountEntry> parse_mounts(std::string_view text);

}  // namespace ainode
