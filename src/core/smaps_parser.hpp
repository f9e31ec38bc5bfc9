#pragma once
// /proc/self/smaps, read for one question: which mappings hold only code
// or read-only data that the kernel can map back from its file at any time
// (see core/code_pages.hpp). A mapping qualifies when it is not writable,
// private, backed by a file (its path starts with '/'), and none of its
// pages is anonymous: a page that was ever written (the relocated pointers
// of RELRO, a text relocation, a debugger's breakpoint) is a private copy
// that MADV_DONTNEED would throw away, so such a mapping is never listed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ainode {

struct CodeMapping {
  std::uintptr_t start = 0, end = 0;
  std::string path;
  std::uint64_t resident_kib = 0;  // Rss
};

// Malformed or truncated entries are skipped, never guessed at; an
// entry whose Anonymous line is missing does not qualify.
std::vector<CodeMapping> parse_releasable_code_mappings(std::string_view smaps);

}  // namespace ainode
