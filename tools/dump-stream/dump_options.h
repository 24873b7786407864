// Everything dump-stream's command line can say, parsed by main.cc and read by RunDump().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/common/format/copy_format.h"
#include "lib/common/io/progress.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/table_selection.h"

namespace segstream::dump {

struct DumpOptions {
  ConnOptions conn;
  std::string output = "-";  // -o FILE; "-" is stdout
  bool force = false;        // write binary to a terminal anyway
  int jobs = 1;
  std::string snapshot;           // import this snapshot instead of exporting one
  std::string lock_wait_timeout;  // a PostgreSQL interval/ms value; "" waits forever
  TableSelection selection;       // -t -n -T -N and the table files
  CopyFormat copy_format = CopyFormat::kText;
  bool copy_format_auto = true;  // --format auto (the default): ChooseCopyFormat decides
  // --split-larger-than: with split_auto (the default) the size rule is AutoSplitRule's;
  // otherwise tables over split_larger_than bytes are split (0: never).
  bool split_auto = true;
  uint64_t split_larger_than = 0;
  int segment = -1;
  int segments = 0;
  std::string segment_output;  // --segment-output PATTERN: one stream per segment, on its host
  ProgressMode progress = ProgressMode::kOff;
  bool quiet = false;
  bool verbose = false;  // -v: a line per table (or part) dumped, like pg_dump -v
  // What beyond table rows the stream carries (see schema_dump.h):
  bool schema = false;        // pre-data + rows + post-data + sequences
  bool schema_only = false;   // pre-data + post-data, no rows
  bool data_only = false;     // rows + sequences
  bool globals = false;       // roles and tablespaces (pg_dumpall --globals-only)
  bool no_sequences = false;  // sequence values travel with the rows unless this
  bool no_role_passwords = false;
  bool no_large_objects = false;  // leave out large objects even in a whole-database dump
  std::string pg_bindir;          // where pg_dump and pg_dumpall are; "" searches PATH

  bool WantsSchema() const { return schema || schema_only; }
  bool WantsRows() const { return !schema_only; }
  // With the rows by default, as pg_dump's data-only output carries them.
  bool WantsSequences() const { return !schema_only && !no_sequences; }
  std::string Program(const std::string& name) const {
    return pg_bindir.empty() ? name : pg_bindir + "/" + name;
  }
};

}  // namespace segstream::dump
