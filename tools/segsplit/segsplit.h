// segsplit and segmerge: what their command lines ask for, and the entry points main.cc and
// segmerge_main.cc hand off to. The Status returned decides the exit status.
#pragma once

#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/io/progress.h"

namespace segstream::segsplit {

struct SplitOptions {
  std::string input = "-";
  std::string output_pattern;  // -o PATTERN, %d is the output number
  std::string to_command;      // --to-command CMD, %d is the output number
  int segments = 0;
  std::string hash;  // --hash METHOD, "" for each table's recorded policy
  bool round_robin = false;
  bool replicate = false;
  std::vector<std::string> keys;       // --key TABLE=col1,col2
  std::vector<std::string> key_files;  // --key-file FILE
  std::string codec = "none";          // compression of the outputs' DATA frames
  int level = 0;                       // 0: the codec's default
  bool force = false;
  bool verbose = false;
  ProgressMode progress = ProgressMode::kOff;
};

Status RunSplit(const SplitOptions& options);

struct MergeOptions {
  std::vector<std::string> inputs;  // files or FIFOs, read concurrently
  std::string output = "-";
  bool force = false;
  bool verbose = false;  // a line per input stream as it ends: tables, rows, seconds
  ProgressMode progress = ProgressMode::kOff;
};

Status RunMerge(const MergeOptions& options);

}  // namespace segstream::segsplit
