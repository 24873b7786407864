// Command-line parsing under the project's conventions, for every main(): --help and
// --version print and exit 0 (CLI11's own handling), and any parse or validation error
// prints "TOOL: error: ..." with a hint and means exit status 2 (CLI11's default codes,
// 105 and up, would break the documented EXIT STATUS).
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/cli/args.h"
#include "lib/common/cli/version.h"
#include "lib/common/io/progress.h"

namespace segstream {

// Whether `name` ("-l", "--level") is one of `app`'s options that consumes the argument
// after it: what RewriteNumericLevels must know.
inline bool OptionTakesValue(const CLI::App& app, const std::string& name) {
  const CLI::Option* opt = app.get_option_no_throw(name);
  return opt != nullptr && opt->get_items_expected_max() > 0;
}

// Parses `args` (argv without the program name, in order) into `app`'s bound options, then
// runs `validate` (which may throw CLI::ValidationError) under the same rules. Returns
// nullopt when the program should go on, or the exit status to return from main().
inline std::optional<int> ParseCommandLine(CLI::App& app, std::vector<std::string> args,
                                           const char* tool,
                                           const std::function<void()>& validate = {}) {
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
    if (validate) validate();
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();  // CLI11 capitalizes; our messages are lowercase
    // CLI11 lists every argument it did not expect, and when an unknown option precedes a
    // FILE it may name the FILE; name the option.
    std::string unknown = FirstUnknownOption(
        args, [&app](const std::string& name) { return app.get_option_no_throw(name) != nullptr; },
        [&app](const std::string& name) { return OptionTakesValue(app, name); });
    if (!unknown.empty())
      what = DescribeExtras({unknown});
    else if (dynamic_cast<const CLI::ExtrasError*>(&e))
      what = DescribeExtras(app.remaining());
    if (!what.empty())
      what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    std::fprintf(stderr, "%s: error: %s\n", tool, what.c_str());
    std::fprintf(stderr, "%s: hint: run '%s --help' for usage\n", tool, tool);
    return kExitUsage;
  }
  return std::nullopt;
}

inline std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, const char* tool,
                                           const std::function<void()>& validate = {}) {
  return ParseCommandLine(app, std::vector<std::string>(argv + (argc > 0), argv + argc), tool,
                          validate);
}

// -v/--verbose, spelled the same in every binary: one line per table (or stream, or file)
// on stderr as it finishes, like pg_restore -v. `what` says what the line is about.
inline CLI::Option* AddVerboseFlag(CLI::App& app, bool* verbose, const std::string& what) {
  return app.add_flag("-v,--verbose", *verbose, what);
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
