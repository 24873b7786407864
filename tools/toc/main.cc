// toc's command line: parses flags into TocOptions and hands off to Run().
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

#include "lib/common/cli/cli.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/toc/toc.h"

// An exception that escapes ends the tool cleanly (InstallTerminationHandling).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::InstallTerminationHandling("toc");
  using segstream::toc::kToolName;
  segstream::toc::TocOptions o;
  CLI::App app{"toc: list, verify and extract the contents of a segstream without a database"};
  app.set_help_flag("--help", "print this help and exit");  // -h is no option: one CLI style
  segstream::AddVersionFlag(app, kToolName);
  app.add_option("file", o.input, "stream to read; - or nothing for stdin");
  app.add_flag("--json", o.json,
               "print the listing (or the --verify verdict) as one JSON document");
  app.add_flag(
      "--verify", o.verify,
      "read everything and check every checksum, trailer and digest (exit 3 when not intact)");
  app.add_option("-x,--extract", o.extract,
                 "write TABLE's rows to stdout as COPY TO produced them (repeatable)")
      ->type_name("TABLE")
      ->allow_extra_args(false);  // one TABLE per -x, so a FILE after it stays the input
  app.add_flag("-l,--list-schema", o.list_schema,
               "list the schema objects of the stream's schema sections (pg_restore -l style)");
  app.add_flag("--extract-schema", o.extract_schema,
               "print the SQL of the stream's schema sections (globals, pre-data, post-data, "
               "sequences)");
  app.add_flag("-H,--human", o.human, "sizes in KiB, MiB, GiB in the text listing");
  app.add_flag("--scan", o.scan, "ignore a file's index and read the whole stream");
  app.add_option("-o,--output", o.output, "write to FILE instead of stdout")->type_name("FILE");
  app.add_flag("-q,--quiet", o.quiet, "with --verify, print nothing when the stream is intact");
  segstream::AddVerboseFlag(app, &o.verbose,
                            "with --verify, a line per table on stderr as it checks: rows, bytes");
  app.add_option("-T,--threads", o.threads,
                 "with --verify of a file, check data frames on N threads (default: one per "
                 "core; 1: no extra threads)")
      ->check(CLI::Range(0u, 256u));
  app.add_flag("-f,--force", o.force, "write binary COPY data (--extract) even to a terminal");
  if (auto exit_code = segstream::ParseCommandLine(app, argc, argv, kToolName)) return *exit_code;
  segstream::Status st = segstream::toc::Run(o);
  // A listing or extraction whose reader left (toc -x t big.sgs | head) ends as cat does:
  // quietly, with the status of a process that SIGPIPE ended.
  if (st.downstream_closed()) return 128 + SIGPIPE;
  return st.ok() ? segstream::kExitOk : segstream::ReportError(kToolName, st);
}
