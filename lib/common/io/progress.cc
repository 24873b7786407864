#include "lib/common/io/progress.h"

#include <unistd.h>

#include <cstdio>

namespace segstream {

namespace {
constexpr int64_t kRedrawNs = 250'000'000;  // four redraws a second, like zstd's
}

bool ParseProgressMode(const std::string& value, ProgressMode* mode) {
  if (value.empty() || value == "tty") {
    *mode = ::isatty(2) ? ProgressMode::kTerminal : ProgressMode::kOff;
    return true;
  }
  if (value == "json") {
    *mode = ProgressMode::kJson;
    return true;
  }
  return false;
}

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

Progress::Progress(std::string tool, ProgressMode mode)
    : tool_(std::move(tool)), mode_(mode), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() = default;

void Progress::Add(uint64_t bytes, uint64_t rows) {
  if (mode_ == ProgressMode::kOff) return;
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  rows_.fetch_add(rows, std::memory_order_relaxed);
  MaybeDraw();
}

void Progress::MaybeDraw() {
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - start_)
                    .count();
  int64_t due = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < due) return;
  if (!next_draw_ns_.compare_exchange_strong(due, now + kRedrawNs)) return;
  Draw(false);
}

void Progress::Draw(bool final) {
  std::lock_guard lock(draw_mu_);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  uint64_t bytes = bytes_.load();
  uint64_t rows = rows_.load();
  double rate = secs > 0 ? bytes / secs : 0;
  if (mode_ == ProgressMode::kJson) {
    Json j = {{"event", final ? "done" : "progress"},
              {"tool", tool_},
              {"bytes", bytes},
              {"rows", rows},
              {"seconds", secs},
              {"bytes_per_second", static_cast<uint64_t>(rate)}};
    if (expected_bytes_) j["expected_bytes"] = expected_bytes_;
    std::fprintf(stderr, "%s\n", j.dump().c_str());
    return;
  }
  std::string eta;
  if (expected_bytes_ > bytes && rate > 0) {
    auto left = static_cast<uint64_t>((expected_bytes_ - bytes) / rate);
    char buf[32];
    std::snprintf(buf, sizeof buf, "  ETA %llu:%02llu", static_cast<unsigned long long>(left / 60),
                  static_cast<unsigned long long>(left % 60));
    eta = buf;
  }
  std::fprintf(stderr, "\r\033[K%s: %s  %llu rows  %s/s%s", tool_.c_str(),
               HumanBytes(bytes).c_str(), static_cast<unsigned long long>(rows),
               HumanBytes(rate).c_str(), eta.c_str());
  drawn_ = true;
}

void Progress::Event(const std::string& event, Json fields) {
  if (mode_ != ProgressMode::kJson) return;
  Json j = {{"event", event}, {"tool", tool_}};
  for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
  std::lock_guard lock(draw_mu_);
  std::fprintf(stderr, "%s\n", j.dump().c_str());
}

void Progress::Finish() {
  if (mode_ == ProgressMode::kJson) {
    Draw(true);
  } else if (mode_ == ProgressMode::kTerminal) {
    std::lock_guard lock(draw_mu_);
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }
}

}  // namespace segstream
