#include <gtest/gtest.h>

#include "tui/gauges.hpp"
#include "tui/text_fit.hpp"
#include "tui/units.hpp"

using namespace ainode::tui;

TEST(TextFit, WidthCountsCodePointsNotBytes) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("█▊ é"), 4u);
  EXPECT_EQ(display_width(""), 0u);
}

TEST(TextFit, TruncatesWithAnEllipsisThatFits) {
  EXPECT_EQ(truncate_to_width("trainer-0", 20, true), "trainer-0");
  EXPECT_EQ(truncate_to_width("trainer-0", 5, true), "trai…");
  EXPECT_EQ(truncate_to_width("trainer-0", 5, false), "trai~");
  EXPECT_EQ(truncate_to_width("trainer-0", 0, true), "");
  EXPECT_EQ(truncate_to_width("éééé", 3, true), "éé…");  // never cuts inside a character
}

TEST(TextFit, PadsToExactlyTheWidth) {
  EXPECT_EQ(pad_right("ab", 4, true), "ab  ");
  EXPECT_EQ(pad_left("ab", 4, true), "  ab");
  EXPECT_EQ(pad_right("abcdef", 4, false), "abc~");
  EXPECT_EQ(display_width(pad_right("▁▂▃▄▅▆", 4, true)), 4u);
}

TEST(TextFit, WrapsWordsToTheWidth) {
  EXPECT_EQ(wrap_words("one two three four", 9, true), (std::vector<std::string>{"one two", "three", "four"}));
  EXPECT_EQ(wrap_words("  spaced   out  ", 20, true), (std::vector<std::string>{"spaced out"}));
  EXPECT_EQ(wrap_words("abcdefghij", 4, false), (std::vector<std::string>{"abc~"}));
  EXPECT_EQ(wrap_words("", 4, false), (std::vector<std::string>{""}));
}

TEST(TextFit, ColumnsGetMinimumThenPreferredThenFlexibleShare) {
  std::vector<ColumnSpec> columns = {{3, 3, false}, {4, 10, false}, {5, 5, true}};
  // 3 + 1 + 10 + 1 + 5 = 20; 30 leaves 10 to the flexible column.
  EXPECT_EQ(fit_columns(columns, 30), (std::vector<std::size_t>{3, 10, 15}));
  // 3 + 1 + 4 + 1 + 5 = 14 minimum; 16 grows the second column by 2.
  EXPECT_EQ(fit_columns(columns, 16), (std::vector<std::size_t>{3, 6, 5}));
  // Too narrow for the last one: hidden (0), the others still fit.
  EXPECT_EQ(fit_columns(columns, 10), (std::vector<std::size_t>{3, 6, 0}));
  EXPECT_EQ(fit_columns(columns, 2), (std::vector<std::size_t>{0, 0, 0}));
}

TEST(TextFit, FlexibleColumnsShareTheRestEqually) {
  std::vector<ColumnSpec> columns = {{2, 2, true}, {2, 2, true}};
  EXPECT_EQ(fit_columns(columns, 10), (std::vector<std::size_t>{5, 4}));
}

TEST(Units, BytesInIecUnitsWithThreeDigits) {
  EXPECT_EQ(format_bytes(0), "0B");
  EXPECT_EQ(format_bytes(1023), "1023B");
  EXPECT_EQ(format_bytes(1536), "1.50K");
  EXPECT_EQ(format_bytes(85520809984.0), "79.6G");
  EXPECT_EQ(format_bytes(270206046208.0), "252G");
  EXPECT_EQ(format_bytes(std::nullopt), "-");
}

TEST(Units, RatesClocksPowerAndPercent) {
  EXPECT_EQ(format_byte_rate(1010326589.0), "1.01GB/s");
  EXPECT_EQ(format_byte_rate(512), "512B/s");
  EXPECT_EQ(format_hertz(1.98e9), "1980MHz");
  EXPECT_EQ(format_hertz(std::nullopt), "-");
  EXPECT_EQ(format_watts(692.214), "692W");
  EXPECT_EQ(format_watts(5600), "5.60kW");
  EXPECT_EQ(format_percent(0.94), "94%");
  EXPECT_EQ(format_percent(std::nullopt), "-");
  EXPECT_EQ(format_celsius(68.4), "68C");
  EXPECT_EQ(format_count(950), "950");
  EXPECT_EQ(format_count(12345), "12.3k");
  EXPECT_EQ(format_joules(4.5e6), "4.50MJ");
}

TEST(Units, DurationsPickTheirScale) {
  EXPECT_EQ(format_seconds(0.000167), "167us");
  EXPECT_EQ(format_seconds(0.0013), "1.3ms");
  EXPECT_EQ(format_seconds(0.85), "850ms");
  EXPECT_EQ(format_seconds(12), "12.0s");
  EXPECT_EQ(format_seconds(192), "3m12s");
  EXPECT_EQ(format_seconds(7500), "2h05m");
  EXPECT_EQ(format_seconds(3 * 86400 + 4 * 3600), "3d04h");
}

TEST(Gauges, BarsFillInEighthsOrHashes) {
  EXPECT_EQ(bar(0.5, 4, true), "██  ");
  EXPECT_EQ(bar(0.5625, 4, true), "██▎ ");
  EXPECT_EQ(bar(1.5, 3, true), "███");  // clamped
  EXPECT_EQ(bar(0.5, 4, false), "##  ");
  EXPECT_EQ(bar(0, 4, false), "    ");
  EXPECT_EQ(bar(std::nullopt, 5, true), "  -  ");
  EXPECT_EQ(display_width(bar(0.33, 10, true)), 10u);
}

TEST(Gauges, SparklinesScaleToTheirRangeAndShowGaps) {
  std::vector<std::optional<double>> values = {0, 50, 100, std::nullopt, 100};
  EXPECT_EQ(sparkline(values, 5, true), "▁▅█ █");
  EXPECT_EQ(sparkline(values, 5, false), ".=# #");
  // Fewer points than cells: right-aligned.
  EXPECT_EQ(sparkline({0.0, 1.0}, 4, false), "  .#");
  // More points than cells: the newest.
  EXPECT_EQ(sparkline({1.0, 0.0, 1.0}, 2, false), ".#");
  // A fixed scale (utilization 0..1).
  EXPECT_EQ(sparkline({0.5, 0.5}, 2, false, 0.0, 1.0), "==");
  // A flat line reads as flat, at the bottom.
  EXPECT_EQ(sparkline({7.0, 7.0}, 2, true), "▁▁");
  EXPECT_EQ(sparkline({}, 3, true), "   ");
}
