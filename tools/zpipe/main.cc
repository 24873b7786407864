// zpipe: compress and decompress segstreams frame by frame, and anything else as zstd,
// lz4 or gzip. Parses the command line into Options and hands off to Run().
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

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
  app.set_help_flag("--help", "print this help and exit");  // -h is no option: one CLI style
  segstream::AddVersionFlag(app, zp::kToolName, "-V,--version");
  app.add_option("-c,--codec", codec, "zstd, lz4, gzip or none (default zstd)")
      ->check(CLI::IsMember({"zstd", "lz4", "gzip", "none"}));
  // As zstd: -# is the level too (-1 ... -19, RewriteNumericLevels), and the last one wins.
  auto* level = app.add_option("-l,--level", o.level,
                               "compression level, also -# as zstd spells it (-1 ... -19): zstd "
                               "1-19 (default 1; negative is faster), lz4 1-12 (default 1), "
                               "gzip 1-9 (default 6); the last given wins")
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::string fast_value;
  auto* fast = app.add_flag("--fast{1}", fast_value,
                            "zstd's fast levels: --fast=N is level -N (default 1), faster and "
                            "larger than level 1")
                   ->excludes(level);
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
  segstream::AddVerboseFlag(app, &o.verbose,
                            "at the end, a line: bytes read and written, ratio, seconds");
  segstream::AddProgressFlag(app, &progress_value);
  app.add_option("FILE", o.input, "input file (default stdin; - is stdin)");

  std::vector<std::string> args = segstream::RewriteNumericLevels(
      std::vector<std::string>(argv + (argc > 0), argv + argc),
      [&app](const std::string& name) { return segstream::OptionTakesValue(app, name); });
  if (auto exit_code = segstream::ParseCommandLine(app, args, zp::kToolName)) return *exit_code;

  if (decompress && test)
    return segstream::ReportError(zp::kToolName, Status::Usage("-d and -t exclude each other"));
  o.mode = test ? zp::Mode::kTest : decompress ? zp::Mode::kDecompress : zp::Mode::kCompress;
  segstream::format::ParseCodecName(codec, &o.codec);
  o.level_set = level->count() > 0;
  if (fast->count() > 0) {
    int n = 0;
    size_t used = 0;
    try {
      n = std::stoi(fast_value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != fast_value.size() || n < 1)
      return segstream::ReportError(zp::kToolName,
                                    Status::Usage("--fast takes a positive number, e.g. --fast=3"));
    if (o.codec != segstream::format::Codec::kZstd)
      return segstream::ReportError(zp::kToolName, Status::Usage("--fast applies to zstd only"));
    o.level = -n;
    o.level_set = true;
  }
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
