#include "core/code_pages.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/smaps_parser.hpp"

using namespace ainode;

namespace {

std::string smaps() {
  std::ifstream file("/proc/self/smaps");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::uint64_t code_resident_kib() {
  std::uint64_t total = 0;
  for (const auto& mapping : parse_releasable_code_mappings(smaps())) total += mapping.resident_kib;
  return total;
}

int still_runs(int n) { return n <= 1 ? 1 : n * still_runs(n - 1) % 1000003; }

}  // namespace

TEST(SmapsParser, ListsOnlyUnwrittenFileBackedCode) {
  const std::string text =
      "55d0c000-55d0d000 r--p 00000000 fd:01 42   /usr/bin/ainode\n"
      "Rss:                   4 kB\n"
      "Anonymous:             0 kB\n"
      "55d0d000-55d4d000 r-xp 00001000 fd:01 42   /usr/bin/ainode\n"
      "Size:                256 kB\n"
      "Rss:                 124 kB\n"
      "Anonymous:             0 kB\n"
      "VmFlags: rd ex mr mw me dw sd\n"
      "7f00-7f10 r-xp 00000000 fd:01 43   /usr/lib/libtextrel.so\n"
      "Rss:                   8 kB\n"
      "Anonymous:             4 kB\n"
      "7f10-7f20 rwxp 00000000 00:00 0 \n"
      "Rss:                   8 kB\n"
      "Anonymous:             8 kB\n"
      "7f20-7f30 r-xp 00000000 00:00 0   [vdso]\n"
      "Rss:                   4 kB\n"
      "Anonymous:             0 kB\n"
      "7f30-7f40 r-xp 00000000 fd:01 44   /tmp/replaced.so (deleted)\n"
      "Rss:                   4 kB\n"
      "Anonymous:             0 kB\n"
      "7f38-7f3c r--p 00000000 fd:01 44   /usr/lib/librelro.so\n"
      "Rss:                   4 kB\n"
      "Anonymous:             4 kB\n"
      "7f3c-7f3e rw-p 00000000 fd:01 44   /usr/lib/librelro.so\n"
      "Rss:                   4 kB\n"
      "Anonymous:             0 kB\n"
      "7f3e-7f3f r--p 00000000 00:00 0   [vvar]\n"
      "Rss:                   4 kB\n"
      "Anonymous:             0 kB\n"
      "7f40-7f50 r-xp 00000000 fd:01 45   /usr/lib/libm.so.6\n"
      "Rss:                  12 kB\n"
      "Anonymous:             0 kB\n";
  auto mappings = parse_releasable_code_mappings(text);
  ASSERT_EQ(mappings.size(), 3u);
  EXPECT_EQ(mappings[0].start, 0x55d0c000u) << "read-only data qualifies too";
  EXPECT_EQ(mappings[1].start, 0x55d0d000u);
  EXPECT_EQ(mappings[1].end, 0x55d4d000u);
  EXPECT_EQ(mappings[1].path, "/usr/bin/ainode");
  EXPECT_EQ(mappings[1].resident_kib, 124u);
  EXPECT_EQ(mappings[2].path, "/usr/lib/libm.so.6");
}

TEST(SmapsParser, MalformedOrTruncatedEntriesDoNotQualify) {
  EXPECT_TRUE(parse_releasable_code_mappings("").empty());
  EXPECT_TRUE(parse_releasable_code_mappings("garbage\n\n\x01\x02").empty());
  // No Anonymous line (truncated read): not known to be unwritten.
  EXPECT_TRUE(parse_releasable_code_mappings("1000-2000 r-xp 00000000 fd:01 1 /lib/a.so\nRss: 4 kB\n").empty());
  // A range that ends before it starts, or is not hexadecimal.
  EXPECT_TRUE(parse_releasable_code_mappings("2000-1000 r-xp 0 fd:01 1 /lib/a.so\nAnonymous: 0 kB\n").empty());
  EXPECT_TRUE(parse_releasable_code_mappings("zz-1000 r-xp 0 fd:01 1 /lib/a.so\nAnonymous: 0 kB\n").empty());
  EXPECT_TRUE(parse_releasable_code_mappings("1000-2000 r-xp 0 fd:01 1 /lib/a.so\nAnonymous: 0 MB\n").empty());
  auto last = parse_releasable_code_mappings("1000-2000 r-xp 0 fd:01 1 /lib/a.so\nAnonymous: 0 kB");
  EXPECT_EQ(last.size(), 1u) << "the last entry counts without a final newline";
}

TEST(CodePages, ReleasingGivesTheTextBackAndCodeStillRuns) {
  const std::uint64_t before = code_resident_kib();
  ASSERT_GT(before, 0u);
  CodePagesReleased released = release_code_pages();
  EXPECT_GT(released.mappings, 0u);
  EXPECT_GE(released.resident_kib, before / 2) << "what the mappings held was read before";
  const std::uint64_t after = code_resident_kib();
  EXPECT_LT(after, before) << before << " KiB of code resident before, " << after << " after";
  // Everything released faults back in on use.
  EXPECT_EQ(still_runs(10), 3628800 % 1000003);
  EXPECT_NO_THROW(smaps());
}
