// segmerge's command line: parses flags into MergeOptions and hands off to RunMerge().
#include <CLI/CLI.hpp>

#include <cstdio>

#include "lib/common/io/termination.h"
#include "lib/common/cli/cli.h"
#include "lib/common/io/byte_io.h"
#include "tools/segsplit/segsplit.h"

int main(int argc, char** argv) {
  segstream::IgnoreSigpipe();
  segstream::InstallTerminationHandling("segmerge");
  constexpr const char* kTool = "segmerge";
  segstream::segsplit::MergeOptions o;
  std::string progress;
  CLI::App app{"segmerge: merge segstreams (files or FIFOs, read concurrently) into one"};
  app.set_version_flag("--version", std::string(kTool) + " (segstream) " +
                                        segstream::segsplit::kVersion);
  app.add_option("file", o.inputs, "input streams; - is stdin")->required();
  app.add_option("-o,--output", o.output, "write to FILE instead of stdout")->type_name("FILE");
  app.add_flag("-f,--force", o.force, "write binary output even to a terminal");
  app.add_flag("--progress{tty}", progress, "show progress on stderr: tty (default) or json")
      ->expected(0, 1);
  app.footer("Exit status: 0 ok, 1 runtime failure (I/O), 2 usage error, 3 an input is corrupt "
             "or truncated.");
  auto exit_code = segstream::ParseCommandLine(app, argc, argv, kTool, [&] {
    if (app.count("--progress") && !segstream::ParseProgressMode(progress, &o.progress))
      throw CLI::ValidationError("--progress", "wants tty or json, got '" + progress + "'");
  });
  if (exit_code) return *exit_code;
  segstream::Status st = segstream::segsplit::RunMerge(o);
  return st.ok() ? segstream::kExitOk : segstream::ReportError(kTool, st);
}
