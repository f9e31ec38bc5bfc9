#pragma once
// What the person has chosen to look at: the screen, the selected row, the
// GPU opened in detail, the processes' sort and filter, a pending
// confirmation. Changed only by key presses (tui/keys.cpp).
#include <cstddef>
#include <optional>
#include <string>

namespace ainode::tui {

inline constexpr int kScreenCount = 9;

enum class ProcessSort { gpu_memory, cpu, resident_memory, pid, name };

struct PendingModeChange {
  std::string profile;
  std::string mode;  // off | dry_run | enforce
};

struct ViewState {
  int screen = 1;  // 1..kScreenCount
  bool help = false;
  std::size_t selected = 0;               // row on the GPUs and policies screens
  std::optional<unsigned> gpu_detail;     // GPU index opened with Enter
  ProcessSort sort = ProcessSort::gpu_memory;
  std::string filter;                     // processes screen, "/"
  bool editing_filter = false;
  std::optional<PendingModeChange> confirm;
  std::size_t scroll = 0;                 // first page line shown
  bool quit = false;
};

}  // namespace ainode::tui
