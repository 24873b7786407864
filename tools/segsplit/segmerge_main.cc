// segmerge's command line: parses flags into MergeOptions and hands off to RunMerge().
#include <CLI/CLI.hpp>

#include <cstdio>

#include "lib/common/cli/cli.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/segsplit/segsplit.h"

// An exception that escapes ends the tool cleanly (InstallTerminationHandling).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::InstallTerminationHandling("segmerge");
  constexpr const char* kTool = "segmerge";
  segstream::segsplit::MergeOptions o;
  std::string progress;
  CLI::App app{"segmerge: merge segstreams (files or FIFOs, read concurrently) into one"};
  app.set_help_flag("--help", "print this help and exit");  // -h is no option: one CLI style
  segstream::AddVersionFlag(app, kTool);
  app.add_option("file", o.inputs, "input streams; - is stdin")->required();
  app.add_option("-o,--output", o.output, "write to FILE instead of stdout")->type_name("FILE");
  app.add_flag("-f,--force", o.force, "write binary output even to a terminal");
  segstream::AddVerboseFlag(app, &o.verbose,
                            "a line per input stream as it ends: tables, rows, seconds");
  segstream::AddProgressFlag(app, &progress);
  app.footer(
      "Exit status: 0 ok, 1 runtime failure (I/O), 2 usage error, 3 an input is corrupt "
      "or truncated.");
  if (auto exit_code = segstream::ParseCommandLine(app, argc, argv, kTool)) return *exit_code;
  if (auto st = segstream::ProgressFromFlag(progress, &o.progress); !st.ok())
    return segstream::ReportError(kTool, st);
  segstream::Status st = segstream::segsplit::RunMerge(o);
  return st.ok() ? segstream::kExitOk : segstream::ReportError(kTool, st);
}
