#include "tools/segsplit/placement.h"

#include <cctype>
#include <cstdlib>
#include <fstream>

#include "lib/common/format/large_objects.h"
#include "lib/common/pg/table_filter.h"

namespace segstream::segsplit {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

Status ParseColumnList(const std::string& text, const std::string& where,
                       std::vector<std::string>* columns) {
  columns->clear();
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string col = Trim(std::string_view(text).substr(pos, comma - pos));
    if (col.empty()) return Status::Usage(where + ": empty column name in key '" + text + "'");
    // Quoted names keep their case, as in SQL; unquoted ones are folded like psql does.
    if (col.size() >= 2 && col.front() == '"' && col.back() == '"') {
      col = col.substr(1, col.size() - 2);
    } else {
      for (char& c : col) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    columns->push_back(col);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return Status::Ok();
}

Status AddKey(const std::string& table, const std::string& cols, const std::string& where,
              PlacementRules* rules) {
  std::string schema, name;
  RETURN_IF_ERROR(SplitQualifiedName(table, &schema, &name).Prefix(where));
  if (schema.empty()) schema = "public";
  std::vector<std::string> columns;
  RETURN_IF_ERROR(ParseColumnList(cols, where, &columns));
  rules->keys[{schema, name}] = std::move(columns);
  return Status::Ok();
}

bool IsLegacyOpclass(const std::string& opclass) {
  return opclass.find("cdbhash_") != std::string::npos;
}

}  // namespace

Status PlacementRules::AddKeySpec(const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    return Status::Usage("--key wants TABLE=col1,col2, got '" + spec + "'");
  return AddKey(spec.substr(0, eq), spec.substr(eq + 1), "--key", this);
}

Status PlacementRules::AddKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Usage("cannot read key file " + path);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t sp = t.find_first_of(" \t");
    std::string where = path + ":" + std::to_string(lineno);
    if (sp == std::string::npos)
      return Status::Usage(where + ": want 'schema.table col1,col2', got '" + t + "'");
    RETURN_IF_ERROR(AddKey(t.substr(0, sp), Trim(std::string_view(t).substr(sp)), where, this));
  }
  if (in.bad()) return Status::Usage("cannot read key file " + path);
  return Status::Ok();
}

Result<TablePlacement> TablePlacement::Create(const PlacementRules& rules, const TableInfo& table,
                                              CopyFormat copy_format) {
  TablePlacement p;
  p.targets_ = rules.targets;
  p.format_ = copy_format;
  const std::string qualified = table.QualifiedName();
  // Objects of the database, not rows of a table: never spread, whatever the method.
  if (IsLargeObjectsTable(table)) {
    p.kind_ = PlacementKind::kFirstOutput;
    return p;
  }
  if (rules.replicate) {
    p.kind_ = PlacementKind::kReplicate;
    return p;
  }
  if (rules.round_robin) {
    p.kind_ = PlacementKind::kRoundRobin;
    return p;
  }

  std::vector<std::string> key;
  std::optional<DistributionMethod> method = rules.method;
  auto explicit_key = rules.keys.find({table.schema, table.name});
  if (explicit_key != rules.keys.end()) {
    key = explicit_key->second;
    if (!method) {
      return Status::Usage("--key given for table " + qualified + " but no --hash METHOD")
          .WithHint("add --hash greenplum, --hash greenplum-legacy or --hash pg-partition");
    }
  } else {
    // The source's own policy says how rows of a random or replicated table are spread.
    if (table.distribution_policy == "replicated") {
      p.kind_ = PlacementKind::kReplicate;
      return p;
    }
    if (table.distribution_policy == "random") {
      p.kind_ = PlacementKind::kRoundRobin;
      return p;
    }
    const bool want_partition = method && *method == DistributionMethod::kPgPartition;
    const auto& first = want_partition ? table.hash_partition_key : table.distribution_key;
    const auto& second = want_partition ? table.distribution_key : table.hash_partition_key;
    key = !first.empty() ? first : second;
    if (!method) {
      if (!table.distribution_key.empty()) {
        method = DistributionMethod::kGreenplum;
      } else if (!table.hash_partition_key.empty()) {
        method = DistributionMethod::kPgPartition;
      }
    }
    if (key.empty() || !method) {
      return Status::Usage("table " + qualified + " has no distribution key in the stream")
          .WithHint("name one with --key " + qualified +
                    "=col1,col2 (and --hash METHOD), or "
                    "spread it with --round-robin or --replicate");
    }
    // The opclasses dump-stream recorded decide between the modern and the legacy hash
    // for a Greenplum key: the target's tables get the same opclasses from the same DDL.
    if (*method != DistributionMethod::kPgPartition && key == table.distribution_key &&
        !table.distribution_opclasses.empty()) {
      size_t legacy = 0;
      for (const auto& op : table.distribution_opclasses) legacy += IsLegacyOpclass(op);
      if (legacy == table.distribution_opclasses.size()) {
        method = DistributionMethod::kGreenplumLegacy;
      } else if (legacy != 0) {
        return Status::Usage("table " + qualified +
                             " mixes legacy (cdbhash_*) and modern hash opclasses in its "
                             "distribution key, which Greenplum does not hash consistently");
      } else {
        method = DistributionMethod::kGreenplum;
      }
    }
  }

  std::vector<int> positions;
  std::vector<PgType> types;
  for (const auto& col : key) {
    int pos = -1;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].name == col) pos = static_cast<int>(i);
    }
    if (pos < 0) {
      return Status::Usage("table " + qualified + " has no column " + QuoteIdent(col) +
                           " for its distribution key");
    }
    auto type = PgTypeFromName(table.columns[pos].type);
    if (!type.ok()) {
      return Status::Usage("table " + qualified + ", key column " + QuoteIdent(col) + ": " +
                           type.status().message())
          .WithHint(
              "supported key types: int2/4/8, numeric, text, varchar, bpchar, bytea, bool, "
              "date, time, timestamp, timestamptz, interval, uuid, float4/8, oid, inet, "
              "cidr, \"char\"");
    }
    positions.push_back(pos);
    types.push_back(*type);
  }
  auto parser = KeyParser::Create(p.format_, positions, types);
  if (!parser.ok()) return parser.take_status().Prefix("table " + qualified);
  auto placer = RowPlacer::Create(*method, types, rules.targets);
  if (!placer.ok()) return placer.take_status().Prefix("table " + qualified);
  p.kind_ = PlacementKind::kHash;
  p.parser_.emplace(std::move(*parser));
  p.placer_.emplace(std::move(*placer));
  p.key_names_ = key;
  for (const auto& c : table.columns) p.column_names_.push_back(c.name);
  return p;
}

bool TablePlacement::Place(std::span<const uint8_t> row, int32_t* target, std::string* error) {
  std::string_view text(reinterpret_cast<const char*>(row.data()), row.size());
  // Text and csv rows carry COPY's line terminator; KeyParser wants the record alone.
  if (format_ != CopyFormat::kBinary && !text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!parser_->Parse(text, error)) {
    // KeyParser names the column by position ("key column 3: ..."); users know names.
    const std::string prefix = "key column ";
    if (error->compare(0, prefix.size(), prefix) == 0) {
      size_t colon = error->find(':', prefix.size());
      size_t n = std::strtoul(error->c_str() + prefix.size(), nullptr, 10);
      if (colon != std::string::npos && n >= 1 && n <= column_names_.size())
        *error = "column " + QuoteIdent(column_names_[n - 1]) + error->substr(colon);
    }
    return false;
  }
  *target = placer_->Place(parser_->key());
  return true;
}

std::string TablePlacement::Describe() const {
  switch (kind_) {
    case PlacementKind::kReplicate: return "replicated";
    case PlacementKind::kRoundRobin: return "round-robin";
    case PlacementKind::kFirstOutput: return "large objects, all to output 0";
    case PlacementKind::kHash: break;
  }
  std::string s(DistributionMethodName(placer_->method()));
  s += " by (";
  for (size_t i = 0; i < key_names_.size(); ++i) s += (i ? ", " : "") + QuoteIdent(key_names_[i]);
  return s + ")";
}

}  // namespace segstream::segsplit
