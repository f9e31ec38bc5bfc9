#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace ainode {

struct PsiLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;  // percent of time, as the kernel prints it
  std::uint64_t total_microseconds = 0;
};

struct PsiFile {
  std::optional<PsiLine> some;
  std::optional<PsiLine> full;  // absent for cpu before Linux 5.13
};

// "some avg10=0.00 avg60=0.00 avg300=0.00 total=12345" (and "full ...").
// Throws ParseError on a malformed line, an average outside 0..100 or when
// neither line is present.
PsiFile parse_psi(std::string_view text);

}  // namespace ainode
