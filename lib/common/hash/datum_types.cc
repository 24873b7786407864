// The type table of datum.h: PostgreSQL's names for the key types segstream can hash.
#include <string>

#include "lib/common/hash/datum.h"
#include "lib/common/hash/datum_support.h"

namespace segstream {

using namespace datum_detail;

Result<PgType> PgTypeFromName(std::string_view name) {
  // Lower-case, drop "pg_catalog.", type modifiers "(...)" and extra blanks.
  std::string n;
  bool in_parens = false;
  for (char c : TrimSpaces(name)) {
    if (c == '(') in_parens = true;
    if (!in_parens && !(IsSpace(c) && (n.empty() || n.back() == ' '))) {
      n.push_back(IsSpace(c) ? ' ' : ToLower(c));
    }
    if (c == ')') in_parens = false;
  }
  while (!n.empty() && n.back() == ' ') n.pop_back();
  if (n.rfind("pg_catalog.", 0) == 0) n.erase(0, 11);
  // "char(n)" can only be SQL character(n); bare "char" is the typname of "char".
  const bool had_modifier = name.find('(') != std::string_view::npos;
  static constexpr struct {
    std::string_view name;
    PgType type;
  } kNames[] = {
      {"bool", PgType::kBool},
      {"boolean", PgType::kBool},
      {"\"char\"", PgType::kChar},
      {"int2", PgType::kInt2},
      {"smallint", PgType::kInt2},
      {"int4", PgType::kInt4},
      {"integer", PgType::kInt4},
      {"int", PgType::kInt4},
      {"int8", PgType::kInt8},
      {"bigint", PgType::kInt8},
      {"oid", PgType::kOid},
      {"float4", PgType::kFloat4},
      {"real", PgType::kFloat4},
      {"float8", PgType::kFloat8},
      {"double precision", PgType::kFloat8},
      {"numeric", PgType::kNumeric},
      {"decimal", PgType::kNumeric},
      {"text", PgType::kText},
      {"varchar", PgType::kVarchar},
      {"character varying", PgType::kVarchar},
      {"bpchar", PgType::kBpchar},
      {"character", PgType::kBpchar},
      {"bytea", PgType::kBytea},
      {"date", PgType::kDate},
      {"time", PgType::kTime},
      {"time without time zone", PgType::kTime},
      {"timestamp", PgType::kTimestamp},
      {"timestamp without time zone", PgType::kTimestamp},
      {"timestamptz", PgType::kTimestamptz},
      {"timestamp with time zone", PgType::kTimestamptz},
      {"uuid", PgType::kUuid},
      {"inet", PgType::kInet},
      {"cidr", PgType::kCidr},
  };
  if (n == "char") return had_modifier ? PgType::kBpchar : PgType::kChar;
  // format_type() may print interval field restrictions: "interval year to month".
  if (n == "interval" || n.rfind("interval ", 0) == 0) return PgType::kInterval;
  for (const auto& entry : kNames) {
    if (n == entry.name) return entry.type;
  }
  return Status::Usage("unsupported distribution key type \"" + std::string(name) + "\"");
}

std::string_view PgTypeName(PgType type) {
  switch (type) {
    case PgType::kBool: return "bool";
    case PgType::kChar: return "char";
    case PgType::kInt2: return "int2";
    case PgType::kInt4: return "int4";
    case PgType::kInt8: return "int8";
    case PgType::kOid: return "oid";
    case PgType::kFloat4: return "float4";
    case PgType::kFloat8: return "float8";
    case PgType::kNumeric: return "numeric";
    case PgType::kText: return "text";
    case PgType::kVarchar: return "varchar";
    case PgType::kBpchar: return "bpchar";
    case PgType::kBytea: return "bytea";
    case PgType::kDate: return "date";
    case PgType::kTime: return "time";
    case PgType::kTimestamp: return "timestamp";
    case PgType::kTimestamptz: return "timestamptz";
    case PgType::kInterval: return "interval";
    case PgType::kUuid: return "uuid";
    case PgType::kInet: return "inet";
    case PgType::kCidr: return "cidr";
  }
  return "unknown";
}

}  // namespace segstream
