#include "collectors/filesystem/mounts_parser.hpp"

#include <map>

#include "core/text.hpp"

namespace ainode {

std::vector<MountEntry> parse_mounts(std::string_view text) {
  std::vector<MountEntry> mounts;
  std::map<std::string, std::size_t> index_of;
  for (auto line : text::lines(text)) {
    auto fields = text::fields(line);
    if (fields.empty()) continue;
    if (fields.size() < 4) throw ParseError("mounts: line with " + std::to_string(fields.size()) + " fields");
    MountEntry entry{text::unescape_octal(fields[0]), text::unescape_octal(fields[1]), std::string(fields[2]), false};
    for (auto option : text::split(fields[3], ',')) {
      if (option == "ro") entry.read_only = true;
    }
    auto [at, inserted] = index_of.emplace(entry.mount_point, mounts.size());
    if (inserted) {
      mounts.push_back(std::move(entry));
    } else {
      mounts[at->second] = std::move(entry);
    }
  }
  return mounts;
}

}  // namespace ainode
