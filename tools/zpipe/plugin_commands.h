// The gpbackup storage plugin API (gpbackup's plugins/README.md, API version 0.5.0), one
// function per command. main() parses nothing but the command name: gpbackup passes
// positional arguments only, some of them ("-1", quoted as "\"-1\"") that an option parser
// would misread.
#pragma once

#include <string>
#include <vector>

#include "lib/common/base/status.h"

namespace segstream::plugin {

inline constexpr const char* kToolName = "gpbackup_segstream_plugin";
// The plugin API version this plugin implements; gpbackup 1.30 requires at least 0.3.0,
// plugin_test.sh 0.4.0 (delete_backup).
inline constexpr const char* kApiVersion = "0.5.0";

// "gpbackup_segstream_plugin version 0.1.0": gpbackup splits --version on blanks, requires
// exactly three words and takes the third as the version; plugin_test.sh greps " version ".
std::string PluginVersionLine();

// The usage text --help prints.
std::string PluginHelp();

// Runs command args[0] with args[1..]: kUsage for an unknown command or wrong arguments.
Status RunPluginCommand(const std::vector<std::string>& args);

}  // namespace segstream::plugin
