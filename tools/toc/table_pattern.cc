#include "tools/toc/table_pattern.h"

#include <cctype>
#include <vector>

namespace segstream::toc {

bool TablePattern::Part::Matches(const std::string& ident) const {
  if (ident == value || quoted) return ident == value;
  std::string folded = value;
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ident == folded;
}

Result<TablePattern> TablePattern::Parse(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Status::Usage("bad table name '" + text + "': " + why)
        .WithHint("write schema.table, quoting parts as SQL does: sales.\"Order Items\"");
  };
  std::vector<Part> parts(1);
  bool in_quotes = false;
  bool part_has_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c != '"') {
        parts.back().value += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        parts.back().value += '"';
        ++i;
      } else {
        in_quotes = false;
      }
    } else if (c == '"') {
      if (!parts.back().value.empty() && !part_has_quotes) return bad("a quote inside a name");
      in_quotes = true;
      part_has_quotes = true;
      parts.back().quoted = true;
    } else if (c == '.') {
      parts.emplace_back();
      part_has_quotes = false;
    } else {
      if (part_has_quotes) return bad("characters after a closing quote");
      parts.back().value += c;
    }
  }
  if (in_quotes) return bad("unterminated quote");
  if (parts.size() > 2) return bad("more than one dot outside quotes");
  for (const auto& p : parts)
    if (p.value.empty()) return bad("empty name");
  TablePattern pattern;
  pattern.text_ = text;
  pattern.name_ = parts.back();
  if (parts.size() == 2) pattern.schema_ = parts.front();
  return pattern;
}

bool TablePattern::Matches(const std::string& schema, const std::string& name) const {
  return name_.Matches(name) && (!schema_ || schema_->Matches(schema));
}

}  // namespace segstream::toc
