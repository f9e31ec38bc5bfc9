#include "core/code_pages.hpp"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "core/smaps_parser.hpp"

namespace ainode {

namespace {

struct Walk {
  const std::vector<CodeMapping>* releasable;
  std::set<std::size_t> released;  // indices into *releasable
  std::uintptr_t page;
};

// Runs under glibc's loader lock (dl_iterate_phdr holds it): no library can
// be unloaded, and so no code mapping replaced, while its pages are advised.
int release_object(dl_phdr_info* info, std::size_t, void* data) {
  auto& walk = *static_cast<Walk*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    // Read-only segments only (code, and the symbol tables, relocations and
    // constants ld.so and start-up read); RELRO lies in a writable one.
    if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W)) continue;
    std::uintptr_t begin = (info->dlpi_addr + segment.p_vaddr) & ~(walk.page - 1);
    std::uintptr_t end = (info->dlpi_addr + segment.p_vaddr + segment.p_memsz + walk.page - 1) & ~(walk.page - 1);
    // Only where /proc/self/smaps showed a file's unwritten pages: never the
    // vDSO, never a page a debugger, a relocation or a text relocation wrote.
    for (std::size_t m = 0; m < walk.releasable->size(); ++m) {
      const CodeMapping& mapping = (*walk.releasable)[m];
      std::uintptr_t low = std::max(begin, mapping.start), high = std::min(end, mapping.end);
      if (low >= high) continue;
      if (madvise(reinterpret_cast<void*>(low), high - low, MADV_DONTNEED) == 0) walk.released.insert(m);
    }
  }
  return 0;
}

}  // namespace

CodePagesReleased release_code_pages() {
  CodePagesReleased out;
  std::ifstream file("/proc/self/smaps");
  if (!file) return out;
  std::ostringstream text;
  text << file.rdbuf();
  const std::vector<CodeMapping> releasable = parse_releasable_code_mappings(text.str());
  Walk walk{&releasable, {}, static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE))};
  dl_iterate_phdr(release_object, &walk);
  for (std::size_t m : walk.released) {
    ++out.mappings;
    out.resident_kib += releasable[m].resident_kib;
  }
  return out;
}

}  // namespace ainode
