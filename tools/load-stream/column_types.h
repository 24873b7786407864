// Column types named by a stream, made safe to put into CREATE TABLE. A stream is hostile
// input: its TABLE_BEGIN frame may say a column's type is `integer); DROP TABLE t; --`.
// A type reaches DDL only after two checks, neither of which trusts the other:
//   1. LexTypeName: the text must read as format_type() writes a type (identifiers,
//      plain or double-quoted, joined by spaces and dots; one group of integer modifiers;
//      trailing []); it is re-rendered from its tokens, so nothing else survives;
//   2. TypeResolver: the target's server parses the text, given as a bound parameter, as
//      exactly one existing type (to_regtype), and its canonical name is what is used.
#pragma once

#include <map>
#include <string>

#include "lib/common/pg/pg_conn.h"

namespace segstream::load {

struct LexedType {
  std::string text;            // re-rendered from the tokens
  bool has_modifiers = false;  // "(n)" or "(p,s)": the server's format_type(oid, NULL) drops them
};

// kCorrupt when `text` is not a type name as format_type() would write it.
Result<LexedType> LexTypeName(const std::string& text);

// `type` with its modifier groups removed: "character varying(20)[]" -> "character
// varying[]", "timestamp(3) without time zone" -> "timestamp without time zone". Binary COPY
// needs the same type on both ends but not the same modifiers: the receive function checks
// the target's (length, precision) as the input function would.
std::string WithoutTypeModifiers(const std::string& type);

class TypeResolver {
 public:
  // `conn` is borrowed and must outlive the resolver.
  explicit TypeResolver(PGconn* conn);
  // The SQL for `type` of `column` on the target: the server's canonical name. kCorrupt
  // when the text is not a type name, kServer when the target has no such type.
  Result<std::string> Resolve(const std::string& column, const std::string& type);

 private:
  PGconn* conn_;
  int server_version_;
  std::map<std::string, std::string> resolved_;
};

}  // namespace segstream::load
