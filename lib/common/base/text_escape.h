// Text from a stream, shown to a person. Names and values in a stream are bytes an attacker
// chose: a table named with a carriage return, an ANSI escape or a right-to-left override
// could rewrite what a terminal shows. Messages pass such bytes through here.
#pragma once

#include <string>
#include <string_view>

namespace segstream {

// `text` with control characters (C0, DEL, C1), Unicode bidirectional controls and bytes
// that are not UTF-8 written as \xNN or \u{NNNN}; a backslash is doubled only where it
// would read as one of those escapes. Printable UTF-8 passes unchanged.
std::string EscapeForMessage(std::string_view text);

// `text` as one POSIX sh word: in single quotes, each ' written as '\''. Any byte but NUL
// is safe inside (the ssh command lines of segment agents and of the gpbackup plugin).
std::string ShellQuote(std::string_view text);

}  // namespace segstream
