// Command-line parsing under the project's conventions, for every main(): --help and
// --version print and exit 0 (CLI11's own handling), and any parse or validation error
// prints "TOOL: error: ..." with a hint and means exit status 2 (CLI11's default codes,
// 105 and up, would break the documented EXIT STATUS).
#pragma once

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "lib/common/base/status.h"
#include "lib/common/cli/version.h"
#include "lib/common/io/progress.h"

namespace segstream {

// Parses argv into `app`'s bound options, then runs `validate` (which may throw
// CLI::ValidationError) under the same rules. Returns nullopt when the program should go
// on, or the exit status to return from main().
inline std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, const char* tool,
                                           const std::function<void()>& validate = {}) {
  try {
    app.parse(argc, argv);
    if (validate) validate();
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();  // CLI11 capitalizes; our messages are lowercase
    if (!what.empty())
      what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    std::fprintf(stderr, "%s: error: %s\n", tool, what.c_str());
    std::fprintf(stderr, "%s: hint: run '%s --help' for usage\n", tool, tool);
    return kExitUsage;
  }
  return std::nullopt;
}

// --version (or `names`, zpipe adds -V as zstd has it): prints VersionLine(tool), exit 0.
inline void AddVersionFlag(CLI::App& app, const std::string& tool,
                           const std::string& names = "--version") {
  app.set_version_flag(names, VersionLine(tool), "print the version and exit");
}

// --progress[=tty|json], spelled the same in every binary: a flag, so "--progress FILE"
// never takes FILE as its value. `value` stays "" when not given; ProgressFromFlag reads it.
inline CLI::Option* AddProgressFlag(CLI::App& app, std::string* value) {
  return app.add_flag("--progress{tty}", *value,
                      "live progress on stderr when it is a terminal; --progress=json for NDJSON");
}

// The mode --progress asked for; one usage error, worded once, for any other value.
inline Status ProgressFromFlag(const std::string& value, ProgressMode* mode) {
  if (value.empty() || ParseProgressMode(value, mode)) return Status::Ok();
  return Status::Usage("--progress takes tty or json, not '" + value + "'");
}

}  // namespace segstream
