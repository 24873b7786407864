// Argument spellings CLI11 cannot express on its own, rewritten before it parses, and the
// wording of "not an option" errors. Kept apart from cli.h so they are unit-tested as plain
// functions of the argument list.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace segstream {

// zstd's numeric levels: "-19" becomes "--level=19", so `zpipe -19` means what it means
// to zstd users instead of a file named -19. `takes_value(arg)` says whether option `arg`
// ("-l", "--level") consumes the next argument, whose value (a negative level after -l) is
// then left alone; nothing after "--" is rewritten. Other arguments pass through unchanged.
std::vector<std::string> RewriteNumericLevels(
    const std::vector<std::string>& args,
    const std::function<bool(const std::string&)>& takes_value);

// The first argument that is spelled as an option but is not one (`is_option("-x")`,
// `is_option("--name")` say what the tool has), skipping the values of options that take
// one and everything after "--"; "" when there is none. A parser that stops at a missing
// required option would otherwise report that instead of the typo that caused it.
std::string FirstUnknownOption(const std::vector<std::string>& args,
                               const std::function<bool(const std::string&)>& is_option,
                               const std::function<bool(const std::string&)>& takes_value);

// The message for arguments CLI11 did not expect (`extras`, in command-line order): the
// first that looks like an option is named as one ("unknown option '-Z'"), else the first
// argument ("unexpected argument 'x'"). `-h` gets its own words when the tool has no -h, so
// a pg_dump habit ("-h HOST") or a help reflex is answered plainly.
std::string DescribeExtras(const std::vector<std::string>& extras);

}  // namespace segstream
