// segsplit's command line: parses flags into SplitOptions and hands off to RunSplit().
#include <CLI/CLI.hpp>

#include <cstdio>

#include "lib/common/cli/cli.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/segsplit/segsplit.h"

// An exception that escapes ends the tool cleanly (InstallTerminationHandling).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::InstallTerminationHandling("segsplit");
  constexpr const char* kTool = "segsplit";
  segstream::segsplit::SplitOptions o;
  std::string progress;
  CLI::App app{"segsplit: split a segstream into N streams by the target's distribution hash"};
  app.set_help_flag("--help", "print this help and exit");  // -h is no option: one CLI style
  segstream::AddVersionFlag(app, kTool);
  app.add_option("file", o.input, "input stream(s), concatenated; - or nothing for stdin");
  app.add_option("-n,--segments", o.segments, "number of outputs N (target segments or modulus)")
      ->required();
  app.add_option("--hash", o.hash,
                 "placement: greenplum, greenplum-legacy or pg-partition (default: each "
                 "table's recorded policy)")
      ->type_name("METHOD");
  app.add_flag("--round-robin", o.round_robin, "deal every table's rows to the outputs in turn");
  app.add_flag("--replicate", o.replicate, "write every row to every output");
  app.add_option("-k,--key", o.keys, "distribution key of TABLE (TABLE=col1,col2; repeatable)")
      ->type_name("TABLE=COLS")
      ->allow_extra_args(false);
  app.add_option("--key-file", o.key_files, "read keys from FILE, lines 'schema.table col1,col2'")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app.add_option("-o,--output", o.output_pattern, "write output i to PATTERN with %d replaced by i")
      ->type_name("PATTERN");
  app.add_option("--to-command", o.to_command,
                 "pipe output i into 'sh -c CMD' with %d replaced by i (SEGSTREAM_SEGMENT=i)")
      ->type_name("CMD");
  app.add_option("-c,--compress", o.codec,
                 "codec of the outputs' data frames: none (default), "
                 "zstd, lz4, gzip")
      ->type_name("CODEC");
  app.add_option("-l,--level", o.level, "compression level (default: the codec's default)");
  app.add_flag("-f,--force", o.force, "write binary output even to a terminal");
  segstream::AddVerboseFlag(app, &o.verbose,
                            "on stderr, each table's placement as it starts and its rows, bytes "
                            "and seconds as it ends");
  segstream::AddProgressFlag(app, &progress);
  app.footer(
      "Exit status: 0 ok, 1 runtime failure (I/O, a --to-command child failed), 2 usage "
      "error, 3 input corrupt or truncated, a key value unparsable, or verification failed.");
  if (auto exit_code = segstream::ParseCommandLine(app, argc, argv, kTool)) return *exit_code;
  if (auto st = segstream::ProgressFromFlag(progress, &o.progress); !st.ok())
    return segstream::ReportError(kTool, st);
  segstream::Status st = segstream::segsplit::RunSplit(o);
  return st.ok() ? segstream::kExitOk : segstream::ReportError(kTool, st);
}
