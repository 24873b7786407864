// pg_dump-style table selection shared by every tool that picks tables: dump-stream matches
// catalog tables, load-stream matches the tables of a stream.
//
// Patterns (-t, -n, -T, -N) follow pg_dump/psql:
//   *  any characters and ?  one character, outside double quotes;
//   unquoted letters fold to lower case; inside "..." everything is literal and "" is one
//   quote; a dot outside quotes separates schema from table ("s*.t?"); other regular
//   expression characters outside quotes work as in pg_dump ("t[12]", "a|b").
//   A table pattern without a schema part matches tables "visible" in the search path, as
//   pg_dump does; callers that have no search path (a stream) pass visible = true, so it
//   then matches that name in any schema. More than one dot is a usage error.
// Exact names (include/exclude table files, gpbackup style): "schema.table" taken
// literally, split at the first dot, no wildcards, no case folding; a line that uses
// double quotes is parsed as a quoted identifier pair instead.
//
// The decision, as pg_dump makes it:
//   - with any include-table rule (-t or an include file): selected iff some include-table
//     rule matches; -n and -N are then ignored (pg_dump: "-n and -N have no effect when -t
//     is used");
//   - else with any -n: selected iff the schema matches some -n and no -N;
//   - else: selected iff the schema matches no -N;
//   - any exclude-table rule (-T or an exclude file) match drops the table in every case.
// A TableFilter is immutable after setup; Matches() is const and safe to call from
// several threads.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "lib/common/base/status.h"

namespace segstream {

class TableFilter {
 public:
  // -t: "name", "schema.name", "s*.t?", "\"Mixed Case\".\"x\"\"y\"".
  Status AddIncludeTable(const std::string& pattern);
  // -n: a schema pattern (no dot).
  Status AddIncludeSchema(const std::string& pattern);
  // -T
  Status AddExcludeTable(const std::string& pattern);
  // -N
  Status AddExcludeSchema(const std::string& pattern);
  // One exact schema.table, e.g. a line of --include-table-file / --exclude-table-file.
  Status AddIncludeExact(const std::string& qualified);
  Status AddExcludeExact(const std::string& qualified);

  // True when the table (catalog spelling, unquoted) is selected. `visible`: whether the
  // table is visible in the search path (pg_table_is_visible); only patterns without a
  // schema part care.
  bool Matches(const std::string& schema, const std::string& name, bool visible = true) const;
  // No rule at all: everything is selected.
  bool empty() const;
  // True when some include rule (table or schema) exists: an empty selection is then
  // worth an error ("no matching tables were found").
  bool has_includes() const;
  // As pg_dump --strict-names: the user's spelling of each include rule (-t, -n, a line of
  // an include file) that matches none of `tables` (schema, name), excludes aside. With
  // -t, -n is ignored, as in Matches().
  std::vector<std::string> UnmatchedIncludes(
      const std::vector<std::pair<std::string, std::string>>& tables) const;

 private:
  struct Rule {
    std::string text;  // the user's spelling, for messages
    bool has_schema = false;
    std::shared_ptr<const std::regex> schema_re;  // null: any schema
    std::shared_ptr<const std::regex> name_re;    // null: any name (schema rules)
  };
  static Result<Rule> ParsePattern(const std::string& pattern, bool schema_only);
  static Result<Rule> ParseExact(const std::string& qualified);
  static bool TableRuleMatches(const Rule& rule, const std::string& schema, const std::string& name,
                               bool visible);
  static bool SchemaRuleMatches(const Rule& rule, const std::string& schema);

  std::vector<Rule> include_tables_;
  std::vector<Rule> include_schemas_;
  std::vector<Rule> exclude_tables_;
  std::vector<Rule> exclude_schemas_;
};

// Reads an include/exclude table file: one qualified name per line; blank lines and lines
// starting with "#" are skipped, surrounding whitespace trimmed. Appends to *names.
// A missing or unreadable file is a usage error naming the path.
Status LoadTableFile(const std::string& path, std::vector<std::string>* names);

// One line of an include/exclude table file, the one reading every tool shares: split at
// the first dot and taken literally, or, when it uses double quotes, read as a quoted
// identifier pair. `schema` is "" for a bare name, which then means the table visible in
// the search path (pg_dump's reading of an unqualified -t), not "public".
struct ExactName {
  std::string schema;
  std::string name;
};
Result<ExactName> ParseExactName(const std::string& line);

// Splits "schema.name" the way psql reads an identifier pair: unquoted text folded to lower
// case, quotes removed, "" kept as one quote. "public.\"Order\"" -> {"public", "Order"};
// "t" -> {"", "t"}. Usage error for more than one separating dot or an unterminated quote.
Status SplitQualifiedName(const std::string& text, std::string* schema, std::string* name);

}  // namespace segstream
