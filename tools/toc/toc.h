// toc: lists, verifies and extracts a segstream without a database. main.cc parses the
// command line into TocOptions; Run() does the work and returns the Status that decides
// the exit status.
#pragma once

#include <string>
#include <vector>

#include "lib/common/base/status.h"

namespace segstream::toc {

inline constexpr const char* kToolName = "toc";

struct TocOptions {
  std::string input = "-";  // FILE, or "-" for stdin
  std::string output = "-";
  bool json = false;
  bool verify = false;
  bool human = false;                // sizes as KiB/MiB/GiB in the text listing
  bool scan = false;                 // ignore the index and read the whole input
  bool quiet = false;                // --verify prints nothing when intact
  bool verbose = false;              // --verify: a line per table on stderr as it checks
  unsigned threads = 0;              // --verify's checking threads; 0: one per core
  bool force = false;                // binary --extract to a terminal
  std::vector<std::string> extract;  // tables to extract
  bool list_schema = false;          // the schema sections' objects, pg_restore -l style
  bool extract_schema = false;       // the schema sections' SQL
};

Status Run(const TocOptions& options);

}  // namespace segstream::toc
