// Progress on stderr: a live line (bytes, rows, rate, ETA) redrawn a few times a second when
// stderr is a terminal, or NDJSON events for scripts (--progress=json). Counters are atomic,
// so parallel jobs report into one Progress without locks on the hot path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "lib/common/format/stream_meta.h"

namespace segstream {

enum class ProgressMode { kOff, kTerminal, kJson };

// Parses the --progress flag's value: "" or "tty" -> terminal (off when stderr is not a
// terminal), "json" -> NDJSON. Returns false for anything else.
bool ParseProgressMode(const std::string& value, ProgressMode* mode);

class Progress {
 public:
  Progress(std::string tool, ProgressMode mode);
  ~Progress();
  // Total expected bytes, when known, for the ETA.
  void SetExpectedBytes(uint64_t bytes) { expected_bytes_ = bytes; }
  void Add(uint64_t bytes, uint64_t rows);
  // A named event ("table_begin", "table_end", ...) with fields; JSON mode only.
  void Event(const std::string& event, Json fields = Json::object());
  // Clears the live line (terminal) or writes a final "done" event (JSON).
  void Finish();
  bool enabled() const { return mode_ != ProgressMode::kOff; }

 private:
  void MaybeDraw();
  void Draw(bool final);

  std::string tool_;
  ProgressMode mode_;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> rows_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  uint64_t expected_bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::mutex draw_mu_;
  bool drawn_ = false;
};

std::string HumanBytes(double bytes);

}  // namespace segstream
