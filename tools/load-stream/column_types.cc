#include "tools/load-stream/column_types.h"

#include "lib/common/base/text_escape.h"
#include "lib/common/format/stream_meta.h"

namespace segstream::load {
namespace {

// Longer than any type format_type() writes (a schema-qualified name of two 63-byte
// identifiers with modifiers); shorter than anything that could hide a second clause.
constexpr size_t kMaxTypeText = 400;

bool IsWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || (c >= '0' && c <= '9') || c == '$'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Status NotAType(const std::string& text, const std::string& why) {
  return Status::Corrupt("column type '" + EscapeForMessage(text) + "' is not a type name (" + why +
                         ")");
}

}  // namespace

Result<LexedType> LexTypeName(const std::string& text) {
  if (text.empty()) return NotAType(text, "empty");
  if (text.size() > kMaxTypeText) return NotAType(text.substr(0, 40) + "...", "too long");
  enum class Last { kNothing, kWord, kDot, kModifiers, kArray };
  LexedType out;
  Last last = Last::kNothing;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (IsWordStart(c) || c == '"') {
      // Words may follow the modifiers ("timestamp(3) with time zone"), not the [].
      if (last == Last::kArray) return NotAType(text, "a name after []");
      if (last == Last::kWord || last == Last::kModifiers) out.text += ' ';
      if (c == '"') {
        std::string ident;
        for (++i;; ++i) {
          if (i >= text.size()) return NotAType(text, "unterminated quoted identifier");
          if (text[i] == '\0') return NotAType(text, "NUL byte");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              ident += '"';
              ++i;
              continue;
            }
            ++i;
            break;
          }
          ident += text[i];
        }
        if (ident.empty()) return NotAType(text, "empty quoted identifier");
        out.text += '"';
        for (char q : ident) out.text += q == '"' ? std::string("\"\"") : std::string(1, q);
        out.text += '"';
      } else {
        while (i < text.size() && IsWordChar(text[i])) out.text += text[i++];
      }
      last = Last::kWord;
      continue;
    }
    if (c == '.') {
      if (last != Last::kWord) return NotAType(text, "a dot not between names");
      out.text += '.';
      last = Last::kDot;
      ++i;
      continue;
    }
    if (c == '(') {
      if (last != Last::kWord || out.has_modifiers) return NotAType(text, "misplaced modifiers");
      out.text += '(';
      ++i;
      bool want_number = true;
      for (;;) {
        while (i < text.size() && IsSpace(text[i])) ++i;
        if (i >= text.size()) return NotAType(text, "unterminated modifiers");
        if (want_number) {
          size_t start = i;
          while (i < text.size() && IsDigit(text[i])) ++i;
          if (i == start || i - start > 10) return NotAType(text, "modifiers must be integers");
          out.text.append(text, start, i - start);
          want_number = false;
        } else if (text[i] == ',') {
          out.text += ',';
          want_number = true;
          ++i;
        } else if (text[i] == ')') {
          out.text += ')';
          ++i;
          break;
        } else {
          return NotAType(text, "modifiers must be integers");
        }
      }
      out.has_modifiers = true;
      last = Last::kModifiers;
      continue;
    }
    if (c == '[') {
      if (last == Last::kNothing || last == Last::kDot) return NotAType(text, "misplaced []");
      ++i;
      while (i < text.size() && IsDigit(text[i])) ++i;
      if (i >= text.size() || text[i] != ']') return NotAType(text, "[ without ]");
      ++i;
      out.text += "[]";
      last = Last::kArray;
      continue;
    }
    return NotAType(
        text, std::string("unexpected ") + (static_cast<unsigned char>(c) < 0x20 || c == 0x7f
                                                ? "control character"
                                                : "'" + EscapeForMessage(std::string(1, c)) + "'"));
  }
  if (last == Last::kNothing || last == Last::kDot) return NotAType(text, "no name");
  return out;
}

TypeResolver::TypeResolver(PGconn* conn) : conn_(conn), server_version_(PQserverVersion(conn)) {}

Result<std::string> TypeResolver::Resolve(const std::string& column, const std::string& type) {
  if (auto it = resolved_.find(type); it != resolved_.end()) return it->second;
  auto lexed = LexTypeName(type);
  if (!lexed.ok()) return lexed.take_status().Prefix("column " + QuoteIdent(column));
  // The server parses the text as exactly one type name or fails: to_regtype takes no
  // other syntax. format_type then writes the name the way the server itself would.
  // Before PostgreSQL 17 nothing turns a type's text into its modifier, so a type with
  // modifiers keeps its re-rendered tokens, which the server has just parsed as one type.
  bool modifiers_on_server = server_version_ >= 170000;
  std::string sql = modifiers_on_server
                        ? "SELECT pg_catalog.format_type(pg_catalog.to_regtype($1), "
                          "pg_catalog.to_regtypemod($1))"
                        : "SELECT pg_catalog.format_type(pg_catalog.to_regtype($1), NULL)";
  auto res = ExecParams(conn_, sql, {lexed->text});
  if (!res.ok())
    return Status::Corrupt("column " + QuoteIdent(column) + ": the target does not read '" +
                           EscapeForMessage(type) + "' as one type: " + res.status().message());
  if (PQntuples(res->get()) != 1 || FieldIsNull(res->get(), 0, 0))
    return Status::Server("column " + QuoteIdent(column) + ": type '" + EscapeForMessage(type) +
                          "' does not exist on the target")
        .WithHint("create the type first, or load with --schema");
  std::string canonical = Field(res->get(), 0, 0);
  if (lexed->has_modifiers && !modifiers_on_server) canonical = lexed->text;
  resolved_[type] = canonical;
  return canonical;
}

std::string WithoutTypeModifiers(const std::string& type) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (char c : type) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (depth == 0) out += c;
    if (!quoted && c == ')' && depth > 0) --depth;
  }
  return out;
}

}  // namespace segstream::load
