#include "tools/dump-stream/copy_format_choice.h"

#include "lib/common/pg/pg_conn.h"

namespace segstream::dump {
namespace {

// "{a,b,c}": a text[] or oid[] literal for a bound parameter (the items are catalog names
// and oids, never quoted).
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += items[i];
  }
  return out + "}";
}

}  // namespace

Result<CopyFormat> ChooseCopyFormat(PGconn* conn, const ServerFacts& facts,
                                    const std::vector<DumpTable>& tables) {
  if (!facts.mpp.empty() || facts.version_num < 120000) return CopyFormat::kText;
  std::vector<std::string> oids;
  for (const DumpTable& t : tables)
    if (!t.oid.empty()) oids.push_back(t.oid);  // large objects: bytea and integers only
  if (oids.empty()) return CopyFormat::kText;
  std::vector<std::string> names(std::begin(kPortableBinaryTypes), std::end(kPortableBinaryTypes));
  // Built-in types have oids below 10000 (FirstGenbkiObjectId), so a user's type that
  // happens to be called "uuid" never passes for the built-in one. An array counts by its
  // element; "name" and "point" also have a typelem, but are not arrays (typcategory).
  const std::string sql =
      "SELECT count(*) FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A' "
      "WHERE a.attrelid = ANY($1::pg_catalog.oid[]) AND a.attnum > 0 AND NOT a.attisdropped "
      "AND NOT (COALESCE(e.oid, t.oid) < 10000 "
      "AND COALESCE(e.typname, t.typname) = ANY($2::pg_catalog.name[]))";
  ASSIGN_OR_RETURN(PgResultPtr res,
                   ExecParams(conn, sql, {ArrayLiteral(oids), ArrayLiteral(names)}));
  return Field(res.get(), 0, 0) == "0" ? CopyFormat::kBinary : CopyFormat::kText;
}

}  // namespace segstream::dump
