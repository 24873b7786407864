// Splits plain SQL (pg_dumpall's globals) into statements so that each can be run, and its
// failure judged, on its own. Understands what such scripts contain: '...' and "..." with
// doubled quotes, E'...' with backslash escapes, $tag$...$tag$, -- and /* */ comments.
// psql meta-commands (a line starting with a backslash, such as \restrict) are dropped:
// they are instructions to psql, not SQL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace segstream::load {

// Statements with their terminating semicolon, comments and surrounding blank space
// removed; statements that are only comments are left out. A trailing statement without a
// semicolon is kept.
std::vector<std::string> SplitSqlStatements(std::string_view sql);

}  // namespace segstream::load
