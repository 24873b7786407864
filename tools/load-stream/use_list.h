// -L/--use-list: a list as `toc -l` prints it (pg_restore -l lines for the schema sections,
// plus "0; 0 0 TABLE DATA schema name -" per table and "0; 0 0 SEQUENCE SET schema name
// value" per sequence), edited by the user. Lines starting with ';' are left out, as in
// pg_restore; what remains is exactly what is restored: the schema objects by dump ID, the
// rows of the tables named, the values of the sequences named.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>

#include "lib/common/base/status.h"

namespace segstream::load {

struct UseList {
  std::set<long> ids;                                    // schema objects (pg_dump dump IDs)
  std::set<std::pair<std::string, std::string>> tables;  // rows to load
  std::set<std::pair<std::string, std::string>> sequences;
};

// Parses the text of a list; a line that is neither a comment nor "ID; ..." is a usage
// error naming its number.
Result<UseList> ParseUseList(const std::string& text);
Result<UseList> ReadUseList(const std::string& path);

// The lines of `listing` (pg_restore -l of one archive) whose dump IDs `list` selects, in
// the listing's order: what pg_restore --use-list is given for that archive.
std::string SelectFromListing(const std::string& listing, const UseList& list);
// The entry lines of `listing` whose dump IDs `keep` keeps, in order; comments dropped.
std::string FilterListing(const std::string& listing, const std::function<bool(long id)>& keep);

// A line of pg_restore -l ("215; 1259 16385 TABLE public a postgres"): its dump ID, and where
// the descriptor after the two catalog numbers ("TABLE public a postgres") starts. False for
// comments and anything else.
bool SplitListLine(const std::string& line, long* id, size_t* descriptor);

// One identifier of a list line as toc prints it: bare, or double-quoted with "" for a quote.
// Advances *at past it and the blanks after; false when there is none.
bool ReadListIdentifier(const std::string& line, size_t* at, std::string* ident);

}  // namespace segstream::load
