// Screen 3: GPU and top CPU/RSS processes with their pods; sort and filter.
#include <fmt/format.h>

#include "tui/process_rows.hpp"
#include "tui/screen_parts.hpp"
#include "tui/screens.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

namespace ainode::tui {

Page render_processes(const ScreenContext& context) {
  Page page(context.width, context.unicode);
  auto rows = process_rows(context.agent);
  std::size_t total = rows.size();
  std::erase_if(rows, [&](const ProcessRow& row) { return !process_matches(row, context.view.filter); });
  sort_processes(rows, context.view.sort);
  page.line().add(fmt::format("{} processes", rows.size()), Tone::heading);
  if (rows.size() != total) page.add(fmt::format(" of {} (filter \"{}\")", total, context.view.filter), Tone::warn);
  page.add(fmt::format("  sorted by {}  (s: sort, /: filter)", sort_name(context.view.sort)), Tone::dim);
  if (!context.agent.metrics_ok) page.line().add("  CPU and RSS: waiting for /metrics", Tone::dim);
  auto widths = fit_columns({{7, 7, false},
                             {10, 24, true},
                             {4, 7, false},
                             {7, 7, false},
                             {4, 4, false},
                             {5, 5, false},
                             {6, 6, false},
                             {10, 40, true}},
                            context.width);
  const char* headings[] = {"PID", "NAME", "GPU", "GPU MEM", "SM", "CPU", "RSS", "NAMESPACE/POD/CONTAINER"};
  bool right[] = {true, false, false, true, true, true, true, false};
  page.line();
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (widths[i]) page.cell(headings[i], widths[i], Tone::dim, right[i]).add(" ");
  }
  for (const auto& row : rows) {
    std::string gpus;
    for (unsigned gpu : row.gpus) gpus += (gpus.empty() ? "" : ",") + std::to_string(gpu);
    std::string owner = row.pod.empty() ? "" : row.namespace_name + "/" + row.pod + "/" + row.container;
    std::string cells[] = {std::to_string(row.pid),
                           row.name.empty() ? "?" : row.name,
                           gpus.empty() ? "-" : gpus,
                           format_bytes(row.gpu_memory_bytes),
                           format_percent(row.sm_ratio),
                           format_percent(row.cpu_ratio),
                           format_bytes(row.resident_bytes),
                           owner};
    Tone tones[] = {Tone::accent, Tone::normal, Tone::normal, Tone::normal,
                    Tone::normal, level_tone(row.cpu_ratio, 0.9, 4), Tone::normal, Tone::accent};
    page.line();
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (widths[i]) page.cell(cells[i], widths[i], tones[i], right[i]).add(" ");
    }
  }
  return page;
}

}  // namespace ainode::tui
