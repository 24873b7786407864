// The segment side of a cluster load (load-stream --segment-input). Greenplum runs
// load-stream on every segment host, in these roles:
//
//   serve   started once per segment (COPY scratch FROM PROGRAM ... ON SEGMENT): opens the
//           segment's input (a file, or "|command" whose output is read), reads its stream
//           header, prints it as the segment's report and detaches to serve the stream.
//   next    prints the next table's metadata (or the end) as the segment's report.
//   rows    run by each table's COPY ... FROM PROGRAM ... ON SEGMENT: writes that table's
//           rows to stdout and exits 0 only after the table's trailer verified (rows,
//           bytes, digest), so the COPY, and the table's transaction, fails otherwise.
//   skip    reads past the next table's rows (verifying them) for a table not selected.
//   finish  checks the rest of the stream (no table left, stream trailer verified) and
//           prints the segment's totals.
//   abort   stops the agent.
#pragma once

#include <string>

namespace segstream::load {

struct LoadAgentOptions {
  std::string role;    // serve | next | rows | skip | finish | abort
  std::string socket;  // the agent's abstract socket name
  int segment = -1;
  std::string input;  // serve: the input target, base64
  int idle_timeout_seconds = 600;
};

int RunLoadAgent(const LoadAgentOptions& options);

}  // namespace segstream::load
