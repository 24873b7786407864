// Progress on stderr: one live line (phase, current tables, bytes, rows, rate, percentage
// and ETA when the total is known) redrawn at most four times a second when stderr is a
// terminal, or NDJSON events for scripts (--progress=json). Counters are atomic, so
// parallel jobs report into one Progress without locks on the hot path.
//
// One terminal, one line: a tool whose stdout is a pipe or socket hands its stream to the
// next stage of a pipeline, and leaves the terminal to it (ParseProgressMode), so
// `dump-stream --progress | load-stream --progress` draws load-stream's line only. JSON
// events are written one line per write(2), so they never interleave mid-line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "lib/common/format/stream_meta.h"
#include "lib/common/io/progress_format.h"

namespace segstream {

enum class ProgressMode { kOff, kTerminal, kJson };

// Parses the --progress flag's value: "" or "tty" -> terminal (off when stderr is not a
// terminal, or stdout is a pipe or socket: the last stage of a pipeline draws), "json" ->
// NDJSON. Returns false for anything else.
bool ParseProgressMode(const std::string& value, ProgressMode* mode);

// Whether a tool may draw on the terminal: stderr is one and stdout is not a pipe or socket.
bool DrawsOnTerminal(int stderr_fd, int stdout_fd);

class Progress {
 public:
  Progress(std::string tool, ProgressMode mode);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Total expected bytes, when known, for the percentage and ETA.
  void SetExpectedBytes(uint64_t bytes) { expected_bytes_.store(bytes); }
  void Add(uint64_t bytes, uint64_t rows);
  // "schema", "data", "indexes", "analyze": what the tool is doing now. JSON: a "phase"
  // event when it changes.
  void SetPhase(const std::string& phase);
  // A table (or part) starts or ends; the line shows those in progress. JSON: table_begin
  // and table_end events with `fields` added.
  void TableBegin(const std::string& table, Json fields = Json::object());
  void TableEnd(const std::string& table, Json fields = Json::object());
  // A named event with fields; JSON mode only.
  void Event(const std::string& event, Json fields = Json::object());
  // A -v line: printed above the live line (terminal, or when progress is off); in JSON
  // mode a "log" event, so stderr stays NDJSON.
  void Log(const std::string& line);
  // Clears the live line (terminal) or writes the final "done" event with the totals and
  // `summary`'s fields (JSON), which is then the last event. Only the first call counts.
  void Finish(Json summary = Json::object());
  bool enabled() const { return mode_ != ProgressMode::kOff; }
  bool json() const { return mode_ == ProgressMode::kJson; }

 private:
  void MaybeDraw();
  void Draw();
  ProgressSnapshot Snapshot() const;              // draw_mu_ held
  void WriteLine(const std::string& line) const;  // draw_mu_ held
  void ClearLine();                               // draw_mu_ held

  std::string tool_;
  ProgressMode mode_;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> rows_{0};
  std::atomic<uint64_t> expected_bytes_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex draw_mu_;
  std::string phase_;                // draw_mu_
  std::vector<std::string> tables_;  // draw_mu_, in progress, oldest first
  bool drawn_ = false;               // draw_mu_: a live line is on the terminal
  bool finished_ = false;            // draw_mu_
};

}  // namespace segstream
