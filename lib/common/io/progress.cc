#include "lib/common/io/progress.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "lib/common/base/text_escape.h"

namespace segstream {

namespace {

constexpr int64_t kRedrawNs = 250'000'000;  // four redraws a second, like zstd's

// The terminal's width, so the line never wraps (a wrapped line is not redrawn in place).
size_t TerminalWidth(int fd) {
  struct winsize ws;
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// All of `text` in one write(2) when it can be: lines of concurrent tools sharing stderr
// do not interleave (a pipe keeps writes up to PIPE_BUF whole).
void WriteStderr(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(2, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report a failed progress write
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

bool DrawsOnTerminal(int stderr_fd, int stdout_fd) {
  if (!::isatty(stderr_fd)) return false;
  struct stat sb;
  if (::fstat(stdout_fd, &sb) != 0) return true;
  return !S_ISFIFO(sb.st_mode) && !S_ISSOCK(sb.st_mode);
}

bool ParseProgressMode(const std::string& value, ProgressMode* mode) {
  if (value.empty() || value == "tty") {
    *mode = DrawsOnTerminal(2, 1) ? ProgressMode::kTerminal : ProgressMode::kOff;
    return true;
  }
  if (value == "json") {
    *mode = ProgressMode::kJson;
    return true;
  }
  return false;
}

Progress::Progress(std::string tool, ProgressMode mode)
    : tool_(std::move(tool)), mode_(mode), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  std::lock_guard lock(draw_mu_);
  if (mode_ == ProgressMode::kTerminal) ClearLine();
}

void Progress::Add(uint64_t bytes, uint64_t rows) {
  if (mode_ == ProgressMode::kOff) return;
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  rows_.fetch_add(rows, std::memory_order_relaxed);
  MaybeDraw();
}

void Progress::SetPhase(const std::string& phase) {
  if (mode_ == ProgressMode::kOff) return;
  {
    std::lock_guard lock(draw_mu_);
    if (phase == phase_) return;
    phase_ = phase;
    if (mode_ == ProgressMode::kJson) {
      WriteLine(Json{{"event", "phase"}, {"tool", tool_}, {"phase", phase}}.dump());
      return;
    }
  }
  next_draw_ns_.store(0);  // show the new phase at once
  MaybeDraw();
}

void Progress::TableBegin(const std::string& table, Json fields) {
  if (mode_ == ProgressMode::kOff) return;
  {
    std::lock_guard lock(draw_mu_);
    tables_.push_back(table);
  }
  fields["table"] = table;
  Event("table_begin", std::move(fields));
  MaybeDraw();
}

void Progress::TableEnd(const std::string& table, Json fields) {
  if (mode_ == ProgressMode::kOff) return;
  {
    std::lock_guard lock(draw_mu_);
    auto it = std::find(tables_.begin(), tables_.end(), table);
    if (it != tables_.end()) tables_.erase(it);
  }
  fields["table"] = table;
  Event("table_end", std::move(fields));
}

void Progress::MaybeDraw() {
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - start_)
                    .count();
  int64_t due = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < due) return;
  if (!next_draw_ns_.compare_exchange_strong(due, now + kRedrawNs)) return;
  Draw();
}

ProgressSnapshot Progress::Snapshot() const {
  ProgressSnapshot s;
  s.tool = tool_;
  s.phase = phase_;
  s.tables = tables_;
  s.bytes = bytes_.load();
  s.rows = rows_.load();
  s.expected_bytes = expected_bytes_.load();
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return s;
}

void Progress::WriteLine(const std::string& line) const { WriteStderr(line + "\n"); }

void Progress::ClearLine() {
  if (drawn_) WriteStderr("\r\033[K");
  drawn_ = false;
}

void Progress::Draw() {
  std::lock_guard lock(draw_mu_);
  if (finished_) return;
  const ProgressSnapshot s = Snapshot();
  if (mode_ == ProgressMode::kJson) {
    Json j = {{"event", "progress"}, {"tool", tool_}};
    if (!s.phase.empty()) j["phase"] = s.phase;
    j["tables"] = s.tables;
    j["bytes"] = s.bytes;
    j["rows"] = s.rows;
    j["seconds"] = s.seconds;
    j["bytes_per_second"] = s.seconds > 0 ? static_cast<uint64_t>(s.bytes / s.seconds) : 0;
    if (s.expected_bytes) {
      j["expected_bytes"] = s.expected_bytes;
      j["percent"] = *PercentDone(s.bytes, s.expected_bytes);
    }
    if (auto eta = EtaSeconds(s.bytes, s.expected_bytes, s.seconds)) j["eta_seconds"] = *eta;
    WriteLine(j.dump());
    return;
  }
  // Names come from the stream: no control character reaches the terminal.
  ProgressSnapshot shown = s;
  for (std::string& t : shown.tables) t = EscapeForMessage(t);
  WriteStderr("\r\033[K" + ProgressLine(shown, TerminalWidth(2) - 1));
  drawn_ = true;
}

void Progress::Event(const std::string& event, Json fields) {
  if (mode_ != ProgressMode::kJson) return;
  Json j = {{"event", event}, {"tool", tool_}};
  for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
  std::lock_guard lock(draw_mu_);
  if (!finished_) WriteLine(j.dump());
}

void Progress::Log(const std::string& line) {
  if (mode_ == ProgressMode::kJson) {
    Event("log", {{"message", line}});
    return;
  }
  std::lock_guard lock(draw_mu_);
  ClearLine();  // the next redraw puts the live line back under it
  WriteLine(EscapeForMessage(line));
}

void Progress::Finish(Json summary) {
  std::lock_guard lock(draw_mu_);
  if (finished_) return;
  if (mode_ == ProgressMode::kTerminal) ClearLine();
  if (mode_ == ProgressMode::kJson) {
    const ProgressSnapshot s = Snapshot();
    Json j = {{"event", "done"},
              {"tool", tool_},
              {"bytes", s.bytes},
              {"rows", s.rows},
              {"seconds", s.seconds},
              {"bytes_per_second", s.seconds > 0 ? static_cast<uint64_t>(s.bytes / s.seconds) : 0}};
    if (s.expected_bytes) j["expected_bytes"] = s.expected_bytes;
    for (auto it = summary.begin(); it != summary.end(); ++it) j[it.key()] = it.value();
    WriteLine(j.dump());
  }
  finished_ = true;
}

}  // namespace segstream
