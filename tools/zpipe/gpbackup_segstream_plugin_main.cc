// gpbackup_segstream_plugin: gpbackup's storage plugin API over segstream objects. main()
// answers --help and --version and hands the command to RunPluginCommand().
#include <cstdio>
#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/zpipe/plugin_commands.h"

namespace pl = segstream::plugin;

int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::InstallTerminationHandling(pl::kToolName);
  std::vector<std::string> args(argv + 1, argv + argc);
  // --help only: -h is pg_dump's host in the suite, never help (issue 15's one CLI style).
  if (!args.empty() && args[0] == "--help") {
    std::fputs(pl::PluginHelp().c_str(), stdout);
    return segstream::kExitOk;
  }
  if (!args.empty() && args[0] == "--version") {
    std::printf("%s\n", pl::PluginVersionLine().c_str());
    return segstream::kExitOk;
  }
  // Commands are words; a leading dash is a mistyped option, said as the other tools say it.
  if (!args.empty() && !args[0].empty() && args[0][0] == '-')
    return segstream::ReportError(
        pl::kToolName, segstream::Status::Usage("unknown option '" + args[0] + "'")
                           .WithHint(std::string("run '") + pl::kToolName + " --help' for usage"));
  segstream::Status st = pl::RunPluginCommand(args);
  if (!st.ok()) return segstream::ReportError(pl::kToolName, st);
  return segstream::kExitOk;
}
