// pg_dump turns each pattern into an anchored regular expression (patternToSQLRegex in
// psql's string_utils.c) and lets the server match it. We do the same conversion and match
// on the client, so the same rules work where there is no server (load-stream reading a
// stream) and catalog queries stay free of user text.
#include "lib/common/pg/table_filter.h"

#include <cctype>
#include <fstream>

namespace segstream {
namespace {

constexpr const char* kRegexSpecial = "|*+?()[]{}.^$\\";

std::string EscapeLiteral(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view(kRegexSpecial).find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

Result<std::shared_ptr<const std::regex>> Compile(const std::string& body,
                                                  const std::string& pattern) {
  try {
    return std::make_shared<const std::regex>("^(?:" + body + ")$", std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return Status::Usage("invalid pattern '" + pattern + "'");
  }
}

// Converts a psql pattern into regular-expression parts split at unquoted dots.
// `literal` gets the same parts without wildcards (quotes removed, case folded), for
// SplitQualifiedName.
Status ConvertPattern(const std::string& pattern, std::vector<std::string>* regex_parts,
                      std::vector<std::string>* literal_parts) {
  regex_parts->assign(1, "");
  literal_parts->assign(1, "");
  bool in_quotes = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    std::string& re = regex_parts->back();
    std::string& lit = literal_parts->back();
    if (c == '"') {
      if (in_quotes && i + 1 < pattern.size() && pattern[i + 1] == '"') {
        re.push_back('"');
        lit.push_back('"');
        ++i;
      } else {
        in_quotes = !in_quotes;
      }
    } else if (!in_quotes && c == '.') {
      regex_parts->emplace_back();
      literal_parts->emplace_back();
    } else if (!in_quotes && c == '*') {
      re += ".*";
      lit.push_back(c);
    } else if (!in_quotes && c == '?') {
      re.push_back('.');
      lit.push_back(c);
    } else if (c == '$') {
      // pg_dump: "$" is never an anchor, since it is legal in identifiers.
      re += "\\$";
      lit.push_back(c);
    } else {
      if (!in_quotes) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (in_quotes && std::string_view(kRegexSpecial).find(c) != std::string_view::npos) {
        re.push_back('\\');
      }
      re.push_back(c);
      lit.push_back(c);
    }
  }
  if (in_quotes)
    return Status::Usage("unterminated quoted identifier in pattern '" + pattern + "'");
  if (regex_parts->size() > 2) {
    return Status::Usage("improper qualified name (too many dotted names): " + pattern);
  }
  return Status::Ok();
}

}  // namespace

Result<TableFilter::Rule> TableFilter::ParsePattern(const std::string& pattern, bool schema_only) {
  if (pattern.empty()) return Status::Usage("empty table or schema pattern");
  std::vector<std::string> parts;
  std::vector<std::string> literal;
  RETURN_IF_ERROR(ConvertPattern(pattern, &parts, &literal));
  Rule rule;
  rule.text = pattern;
  if (schema_only) {
    if (parts.size() != 1) {
      return Status::Usage("improper qualified name (too many dotted names): " + pattern);
    }
    ASSIGN_OR_RETURN(rule.schema_re, Compile(parts[0], pattern));
    rule.has_schema = true;
    return rule;
  }
  if (parts.size() == 2) {
    rule.has_schema = true;
    ASSIGN_OR_RETURN(rule.schema_re, Compile(parts[0], pattern));
    ASSIGN_OR_RETURN(rule.name_re, Compile(parts[1], pattern));
  } else {
    ASSIGN_OR_RETURN(rule.name_re, Compile(parts[0], pattern));
  }
  return rule;
}

Result<ExactName> ParseExactName(const std::string& line) {
  ExactName n;
  if (line.find('"') != std::string::npos) {
    RETURN_IF_ERROR(SplitQualifiedName(line, &n.schema, &n.name));
  } else {
    size_t dot = line.find('.');
    if (dot != std::string::npos) {
      n.schema = line.substr(0, dot);
      n.name = line.substr(dot + 1);
    } else {
      n.name = line;
    }
  }
  if (n.name.empty()) return Status::Usage("invalid table name '" + line + "'");
  return n;
}

Result<TableFilter::Rule> TableFilter::ParseExact(const std::string& qualified) {
  ASSIGN_OR_RETURN(ExactName exact, ParseExactName(qualified));
  const std::string& schema = exact.schema;
  const std::string& name = exact.name;
  Rule rule;
  rule.text = qualified;
  if (!schema.empty()) {
    rule.has_schema = true;
    ASSIGN_OR_RETURN(rule.schema_re, Compile(EscapeLiteral(schema), qualified));
  }
  ASSIGN_OR_RETURN(rule.name_re, Compile(EscapeLiteral(name), qualified));
  return rule;
}

Status TableFilter::AddIncludeTable(const std::string& pattern) {
  ASSIGN_OR_RETURN(Rule rule, ParsePattern(pattern, false));
  include_tables_.push_back(std::move(rule));
  return Status::Ok();
}
Status TableFilter::AddIncludeSchema(const std::string& pattern) {
  ASSIGN_OR_RETURN(Rule rule, ParsePattern(pattern, true));
  include_schemas_.push_back(std::move(rule));
  return Status::Ok();
}
Status TableFilter::AddExcludeTable(const std::string& pattern) {
  ASSIGN_OR_RETURN(Rule rule, ParsePattern(pattern, false));
  exclude_tables_.push_back(std::move(rule));
  return Status::Ok();
}
Status TableFilter::AddExcludeSchema(const std::string& pattern) {
  ASSIGN_OR_RETURN(Rule rule, ParsePattern(pattern, true));
  exclude_schemas_.push_back(std::move(rule));
  return Status::Ok();
}
Status TableFilter::AddIncludeExact(const std::string& qualified) {
  ASSIGN_OR_RETURN(Rule rule, ParseExact(qualified));
  include_tables_.push_back(std::move(rule));
  return Status::Ok();
}
Status TableFilter::AddExcludeExact(const std::string& qualified) {
  ASSIGN_OR_RETURN(Rule rule, ParseExact(qualified));
  exclude_tables_.push_back(std::move(rule));
  return Status::Ok();
}

bool TableFilter::TableRuleMatches(const Rule& rule, const std::string& schema,
                                   const std::string& name, bool visible) {
  if (rule.has_schema) {
    if (!std::regex_match(schema, *rule.schema_re)) return false;
  } else if (!visible) {
    return false;
  }
  return std::regex_match(name, *rule.name_re);
}

bool TableFilter::SchemaRuleMatches(const Rule& rule, const std::string& schema) {
  return std::regex_match(schema, *rule.schema_re);
}

bool TableFilter::Matches(const std::string& schema, const std::string& name, bool visible) const {
  for (const Rule& r : exclude_tables_) {
    if (TableRuleMatches(r, schema, name, visible)) return false;
  }
  if (!include_tables_.empty()) {
    for (const Rule& r : include_tables_) {
      if (TableRuleMatches(r, schema, name, visible)) return true;
    }
    return false;
  }
  for (const Rule& r : exclude_schemas_) {
    if (SchemaRuleMatches(r, schema)) return false;
  }
  if (!include_schemas_.empty()) {
    for (const Rule& r : include_schemas_) {
      if (SchemaRuleMatches(r, schema)) return true;
    }
    return false;
  }
  return true;
}

bool TableFilter::empty() const {
  return include_tables_.empty() && include_schemas_.empty() && exclude_tables_.empty() &&
         exclude_schemas_.empty();
}

std::vector<std::string> TableFilter::UnmatchedIncludes(
    const std::vector<std::pair<std::string, std::string>>& tables) const {
  std::vector<std::string> out;
  for (const Rule& r : include_tables_) {
    bool any = false;
    for (const auto& [schema, name] : tables) any = any || TableRuleMatches(r, schema, name, true);
    if (!any) out.push_back(r.text);
  }
  if (!include_tables_.empty()) return out;
  for (const Rule& r : include_schemas_) {
    bool any = false;
    for (const auto& [schema, name] : tables) any = any || SchemaRuleMatches(r, schema);
    if (!any) out.push_back(r.text);
  }
  return out;
}

bool TableFilter::has_includes() const {
  return !include_tables_.empty() || !include_schemas_.empty();
}

Status LoadTableFile(const std::string& path, std::vector<std::string>* names) {
  std::ifstream in(path);
  if (!in) return Status::Usage("cannot read table file '" + path + "'");
  std::string line;
  while (std::getline(in, line)) {
    size_t b = 0;
    size_t e = line.size();
    while (b < e && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(line[e - 1]))) --e;
    if (b == e || line[b] == '#') continue;
    names->push_back(line.substr(b, e - b));
  }
  if (in.bad()) return Status::Usage("cannot read table file '" + path + "'");
  return Status::Ok();
}

Status SplitQualifiedName(const std::string& text, std::string* schema, std::string* name) {
  std::vector<std::string> parts;
  std::vector<std::string> literal;
  RETURN_IF_ERROR(ConvertPattern(text, &parts, &literal));
  if (literal.size() == 2) {
    *schema = literal[0];
    *name = literal[1];
  } else {
    schema->clear();
    *name = literal[0];
  }
  return Status::Ok();
}

}  // namespace segstream
