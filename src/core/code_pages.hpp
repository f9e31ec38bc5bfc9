#pragma once
// Gives back the code pages the agent touched only while starting (issue 15).
//
// A process keeps every page of code it ever ran mapped, and the kernel maps
// code around each fault in 64 KiB runs (fault-around): start-up (option
// parsing, the settings table, every collector's probe, ld.so's own work on
// each library) leaves the agent's and its libraries' text resident though a
// cycle never runs it again (2.9-3.0 MiB of ainode's 7 MiB of text on the
// 8-GPU twin, 1.1-1.3 MiB of libc's). Once the agent has run for a while,
// madvise(MADV_DONTNEED) on its read-only, file-backed mappings (code, and
// the symbol tables, relocations and constants ld.so and start-up read)
// unmaps those pages; the file's pages stay in the page cache, and the next
// cycle faults back in only what it runs and reads. Nothing is lost: a private mapping's
// unwritten page is the file's page (core/smaps_parser.hpp says which
// mappings qualify; one with any written page is left alone).
#include <cstdint>

namespace ainode {

struct CodePagesReleased {
  unsigned mappings = 0;
  std::uint64_t resident_kib = 0;  // what those mappings held before
};

// Reads /proc/self/smaps and advises each qualifying mapping; a failure
// (no procfs, madvise refused) releases nothing and is not an error.
CodePagesReleased release_code_pages();

}  // namespace ainode
