// Everything dump-stream's command line can say, parsed by main.cc and read by RunDump().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/common/pg_conn.h"
#include "lib/common/progress.h"

namespace segstream {

struct DumpOptions {
  ConnOptions conn;
  std::string output = "-";  // -o FILE; "-" is stdout
  bool force = false;        // write binary to a terminal anyway
  int jobs = 1;
  std::string snapshot;      // import this snapshot instead of exporting one
  std::string lock_wait_timeout;  // a PostgreSQL interval/ms value; "" waits forever
  std::vector<std::string> include_tables;
  std::vector<std::string> include_schemas;
  std::vector<std::string> exclude_tables;
  std::vector<std::string> exclude_schemas;
  std::vector<std::string> include_table_files;
  std::vector<std::string> exclude_table_files;
  std::string copy_format = "text";  // text | csv | binary
  uint64_t split_larger_than = 0;    // 0: never split
  int segment = -1;
  int segments = 0;
  ProgressMode progress = ProgressMode::kOff;
  bool quiet = false;
};

}  // namespace segstream
