// zpipe: compress and decompress segstreams frame by frame, and anything else as zstd,
// lz4 or gzip. Parses the command line into Options and hands off to Run().
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <string>

#include "lib/common/base/status.h"
#include "lib/common/cli/cli.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/zpipe/zpipe.h"

using segstream::Status;
namespace zp = segstream::zpipe;

// An exception that escapes ends the tool cleanly (InstallTerminationHandling).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::InstallTerminationHandling("zpipe");
  zp::Options o;
  std::string codec = "zstd";
  std::string long_value, progress_value;
  bool decompress = false, test = false;

  CLI::App app{
      "Compress or decompress a segstream frame by frame (toc still lists it, checksums "
      "and digests still verify), or any other input as standard zstd, lz4 or gzip.",
      zp::kToolName};
  segstream::AddVersionFlag(app, zp::kToolName, "-V,--version");
  app.add_option("-c,--codec", codec, "zstd, lz4, gzip or none (default zstd)")
      ->check(CLI::IsMember({"zstd", "lz4", "gzip", "none"}));
  auto* level = app.add_option(
      "-l,--level", o.level,
      "compression level: zstd 1-19 (default 1; negative is faster), lz4 1-12 (default 1), "
      "gzip 1-9 (default 6)");
  app.add_flag("--ultra", o.ultra, "allow zstd levels 20 to 22 (needs much more memory)");
  app.add_option("-T,--threads", o.threads, "compress on N threads, 0 = one per CPU (default 1)");
  app.add_flag("-d,--decompress", decompress,
               "decompress: recognises segstream, .zst, .lz4 and .gz input by its magic bytes");
  app.add_flag("-t,--test", test, "check the input's integrity fully, write nothing");
  app.add_option("--long", long_value,
                 "zstd long-distance matching with a 2^N byte window (default N 27, 128 MiB)")
      ->expected(0, 1);
  app.add_option("-o,--output", o.output, "write to FILE instead of stdout");
  app.add_flag("-f,--force", o.force, "write binary output even to a terminal");
  app.add_flag("-q,--quiet", o.quiet, "no progress, only errors");
  segstream::AddProgressFlag(app, &progress_value);
  app.add_option("FILE", o.input, "input file (default stdin; - is stdin)");

  if (auto exit_code = segstream::ParseCommandLine(app, argc, argv, zp::kToolName))
    return *exit_code;

  if (decompress && test)
    return segstream::ReportError(zp::kToolName, Status::Usage("-d and -t exclude each other"));
  o.mode = test ? zp::Mode::kTest : decompress ? zp::Mode::kDecompress : zp::Mode::kCompress;
  segstream::format::ParseCodecName(codec, &o.codec);
  o.level_set = level->count() > 0;
  if (app.count("--long") > 0) {
    o.long_window_log = zp::kDefaultLongWindowLog;
    if (!long_value.empty()) {
      try {
        size_t used = 0;
        o.long_window_log = std::stoi(long_value, &used);
        if (used != long_value.size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        return segstream::ReportError(zp::kToolName,
                                      Status::Usage("--long takes a window log, e.g. --long=27"));
      }
    }
  }
  if (auto st = segstream::ProgressFromFlag(progress_value, &o.progress); !st.ok())
    return segstream::ReportError(zp::kToolName, st);

  Status st = zp::ValidateOptions(&o);
  if (st.ok()) st = zp::Run(o);
  if (!st.ok()) return segstream::ReportError(zp::kToolName, st);
  return segstream::kExitOk;
}
