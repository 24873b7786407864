// The words and numbers of a progress line, as pure functions of a snapshot of the counters:
// sizes, rates, durations, percentage, ETA, and the line itself cut to the terminal's width
// (a line that wraps cannot be redrawn in place with \r).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace segstream {

// 1536 -> "1.5 KiB"; below 1 KiB whole bytes ("512 B").
std::string HumanBytes(double bytes);

// A duration for an ETA or elapsed time: "0:07", "12:05", "1:02:03" (m:ss, h:mm:ss).
std::string FormatDuration(double seconds);

// A measured time in a -v line: "0.12 s".
std::string FormatSeconds(double seconds);

// Whole percent of `expected` done, 0 to 100; nullopt when the total is unknown (0).
std::optional<int> PercentDone(uint64_t done, uint64_t expected);

// Seconds left at the average rate so far; nullopt when the total is unknown, already
// passed (an estimate that was low), or nothing has been measured yet.
std::optional<double> EtaSeconds(uint64_t done, uint64_t expected, double seconds);

// What one redraw shows.
struct ProgressSnapshot {
  std::string tool;
  std::string phase;                // "schema", "data", "indexes", "analyze" or ""
  std::vector<std::string> tables;  // in progress now, oldest first
  uint64_t bytes = 0;
  uint64_t rows = 0;
  uint64_t expected_bytes = 0;  // 0: unknown
  double seconds = 0;
};

// "load-stream: data public.orders +2 | 1.2 GiB of 3.4 GiB 35% | 120000 rows | 45.6 MiB/s |
// ETA 0:48", at most `width` characters (0: no limit); the table name is shortened first.
// Percentage and ETA only with no phase or in "data": the total is the rows' bytes.
std::string ProgressLine(const ProgressSnapshot& s, size_t width);

}  // namespace segstream
