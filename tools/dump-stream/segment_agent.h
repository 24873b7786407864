// The segment side of a cluster dump (dump-stream --segment-output). The coordinator never
// sees a row: Greenplum runs dump-stream on every segment host, in three roles.
//
//   collect  started once per segment (COPY ... TO PROGRAM ... ON SEGMENT of an empty
//            table): opens the segment's output (a file or "|command"), writes the stream
//            header, detaches and waits for tables. Exits 0 only once it listens and the
//            output is open, so an unwritable path fails the dump before any row moves.
//   feed     run by each table's COPY ... TO PROGRAM ... ON SEGMENT: hands its stdin (the
//            server's pipe of that table's rows) to the collector, which reads it itself,
//            and exits 0 only after the collector framed the whole table, so the COPY
//            fails if the stream did.
//   finish   writes the stream trailer and closes the output (a command's exit status is
//            checked); prints the segment's totals (base64 JSON) for the coordinator to
//            check against its COPY counts. A file keeps its temporary name.
//   commit   once every segment finished: renames the file into place.
//   abort    drops the output: a file never gets its name; a command sees its input end
//            without the stream trailer, so what it stored fails verification.
//
// A collector that hears nothing for --agent-idle-timeout seconds (the coordinator died)
// drops its output and exits.
#pragma once

#include <string>

namespace segstream::dump {

struct SegmentAgentOptions {
  std::string role;    // collect | feed | finish | commit | abort
  std::string socket;  // the collector's abstract socket name
  int segment = -1;    // content id
  int segments = 0;    // primary segments in the cluster
  std::string output;  // collect: the output target, base64
  std::string header;  // collect: the StreamInfo JSON, base64
  std::string table;   // feed: the TableInfo JSON, base64
  int idle_timeout_seconds = 600;
};

// The process exit status; errors are printed to stderr as "dump-stream: error: ...".
int RunSegmentAgent(const SegmentAgentOptions& options);

}  // namespace segstream::dump
