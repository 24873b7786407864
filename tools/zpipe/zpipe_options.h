// What zpipe was asked to do, as parsed from its command line. main.cc fills this in;
// Run() (zpipe.h) does the work. Defaults here are the documented defaults of zpipe(1).
#pragma once

#include <string>

#include "lib/common/format/format.h"
#include "lib/common/io/progress.h"

namespace segstream::zpipe {

enum class Mode { kCompress, kDecompress, kTest };

// Measured on COPY text in 256 KiB frames (docs/benchmarks-zpipe.md): zstd level 1 is about
// 2.5 times as fast as level 3 and its output no larger, so it is zpipe's default; zstd(1)'s
// own default of 3 is tuned for whole files, where level 3's larger tables pay off.
inline constexpr int kDefaultZstdLevel = 1;

// zstd's window for --long without a value: 128 MiB, as `zstd --long` uses.
inline constexpr int kDefaultLongWindowLog = 27;
// Decompression accepts windows up to 2 GiB, so --long streams need no flag to read.
inline constexpr int kMaxWindowLog = 31;
inline constexpr int kMinWindowLog = 10;  // ZSTD_WINDOWLOG_MIN

struct Options {
  Mode mode = Mode::kCompress;
  format::Codec codec = format::Codec::kZstd;
  int level = kDefaultZstdLevel;
  bool level_set = false;   // -l given; otherwise the codec's default level
  bool ultra = false;       // allow zstd levels 20-22
  int threads = 1;          // 0: one per CPU
  int long_window_log = 0;  // zstd --long: 0 off, else the window log
  std::string input;        // "" or "-" is stdin
  std::string output;       // "" or "-" is stdout
  bool force = false;       // write binary to a terminal anyway
  bool quiet = false;
  bool verbose = false;  // a closing line: bytes in and out, ratio, seconds
  ProgressMode progress = ProgressMode::kOff;
};

}  // namespace segstream::zpipe
