#include "lib/common/io/progress_format.h"

#include <cmath>
#include <cstdio>

namespace segstream {

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const auto total = static_cast<unsigned long long>(std::llround(seconds));
  const unsigned long long h = total / 3600, m = total / 60 % 60, s = total % 60;
  char buf[32];
  if (h)
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", h, m, s);
  else
    std::snprintf(buf, sizeof buf, "%llu:%02llu", m, s);
  return buf;
}

std::string FormatSeconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  return buf;
}

std::optional<int> PercentDone(uint64_t done, uint64_t expected) {
  if (expected == 0) return std::nullopt;
  if (done >= expected) return 100;
  return static_cast<int>(static_cast<long double>(done) * 100 / expected);
}

std::optional<double> EtaSeconds(uint64_t done, uint64_t expected, double seconds) {
  if (expected == 0 || done == 0 || done >= expected || seconds <= 0) return std::nullopt;
  const double rate = static_cast<double>(done) / seconds;
  return static_cast<double>(expected - done) / rate;
}

namespace {

// The current tables, as one field: the oldest by name, the others counted ("+2"), so the
// line keeps its shape under --jobs.
std::string TablesField(const std::vector<std::string>& tables, size_t max_name) {
  if (tables.empty()) return "";
  std::string name = tables.front();
  if (max_name > 3 && name.size() > max_name) name = name.substr(0, max_name - 3) + "...";
  if (tables.size() > 1) name += " +" + std::to_string(tables.size() - 1);
  return name;
}

}  // namespace

std::string ProgressLine(const ProgressSnapshot& s, size_t width) {
  // The total counts rows' bytes: after the data phase (indexes, analyze) a percentage and
  // an ETA of it would say nothing about the time left.
  const uint64_t expected = s.phase.empty() || s.phase == "data" ? s.expected_bytes : 0;
  std::string amount = HumanBytes(static_cast<double>(s.bytes));
  if (auto pct = PercentDone(s.bytes, expected))
    amount +=
        " of ~" + HumanBytes(static_cast<double>(expected)) + " " + std::to_string(*pct) + "%";
  std::string tail = " | " + amount;
  if (s.rows) tail += " | " + std::to_string(s.rows) + " rows";
  const double rate = s.seconds > 0 ? static_cast<double>(s.bytes) / s.seconds : 0;
  tail += " | " + HumanBytes(rate) + "/s";
  if (auto eta = EtaSeconds(s.bytes, expected, s.seconds)) tail += " | ETA " + FormatDuration(*eta);

  std::string head = s.tool + ":";
  if (!s.phase.empty()) head += " " + s.phase;
  // The table name gives way first: the numbers are what a redraw is for.
  size_t room = width == 0 ? std::string::npos : width;
  size_t fixed = head.size() + 1 + tail.size();
  std::string tables;
  if (!s.tables.empty()) {
    size_t max_name = room == std::string::npos ? std::string::npos
                      : room > fixed + 8        ? room - fixed - 5
                                                : 0;
    if (max_name > 0) tables = TablesField(s.tables, max_name);
  }
  std::string line = head + (tables.empty() ? "" : " " + tables) + tail;
  if (width && line.size() > width) line.resize(width);
  return line;
}

}  // namespace segstream
