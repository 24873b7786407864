#include "tools/load-stream/target_tables.h"

#include "tools/load-stream/column_types.h"

#include "lib/common/format/large_objects.h"
#include "lib/common/pg/table_filter.h"

namespace segstream::load {

TargetResolver::TargetResolver(PGconn* conn, const LoadOptions& options)
    : conn_(conn), options_(options), types_(conn) {}

Status TargetResolver::Init() {
  ASSIGN_OR_RETURN(PgResultPtr version, Exec(conn_, "SELECT pg_catalog.version()"));
  ASSIGN_OR_RETURN(profile_, ProfileFor(PQserverVersion(conn_), Field(version.get(), 0, 0)));
  for (const auto& m : options_.table_map) {
    size_t eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
      return Status::Usage("--table-map wants OLD=NEW, got '" + m + "'");
    std::string old_schema, old_name, new_schema, new_name;
    RETURN_IF_ERROR(SplitQualifiedName(m.substr(0, eq), &old_schema, &old_name));
    RETURN_IF_ERROR(SplitQualifiedName(m.substr(eq + 1), &new_schema, &new_name));
    // An unqualified OLD means public, as an unqualified name does in most databases.
    if (old_schema.empty()) old_schema = "public";
    map_[{old_schema, old_name}] = {new_schema, new_name};
  }
  return Status::Ok();
}

std::pair<std::string, std::string> TargetResolver::MapName(const std::string& source_schema,
                                                            const std::string& source_name) const {
  std::string schema = source_schema;
  std::string name = source_name;
  if (!options_.redirect_schema.empty()) schema = options_.redirect_schema;
  auto it = map_.find({source_schema, source_name});
  if (it != map_.end()) {
    // An explicit mapping wins over --redirect-schema; one without a schema keeps the
    // schema the table would have had.
    if (!it->second.first.empty()) schema = it->second.first;
    name = it->second.second;
  }
  return {schema, name};
}

std::string TargetResolver::TargetName(const std::string& source_schema,
                                       const std::string& source_name) const {
  auto [schema, name] = MapName(source_schema, source_name);
  return QuoteIdent(schema) + "." + QuoteIdent(name);
}

std::string CreateTableSql(const std::string& qualified, const TableInfo& info,
                           const std::vector<std::string>& types, bool mpp) {
  std::string sql = "CREATE TABLE " + qualified + " (";
  for (size_t i = 0; i < info.columns.size(); ++i) {
    const auto& c = info.columns[i];
    if (i) sql += ", ";
    sql += QuoteIdent(c.name) + " " + types.at(i);
    if (c.not_null) sql += " NOT NULL";
  }
  if (!info.primary_key.empty()) {
    sql += ", PRIMARY KEY (";
    for (size_t i = 0; i < info.primary_key.size(); ++i)
      sql += (i ? ", " : "") + QuoteIdent(info.primary_key[i]);
    sql += ")";
  }
  sql += ")";
  if (!mpp) return sql;
  if (info.distribution_policy == "replicated") return sql + " DISTRIBUTED REPLICATED";
  if (info.distribution_policy == "random") return sql + " DISTRIBUTED RANDOMLY";
  if (info.distribution_policy == "hash" && !info.distribution_key.empty()) {
    sql += " DISTRIBUTED BY (";
    for (size_t i = 0; i < info.distribution_key.size(); ++i) {
      sql += (i ? ", " : "") + QuoteIdent(info.distribution_key[i]);
      // The operator class decides the hash, so rows land where the source's did.
      if (i < info.distribution_opclasses.size() && !info.distribution_opclasses[i].empty())
        sql += " " + QuoteIdent(info.distribution_opclasses[i]);
    }
    sql += ")";
  }
  return sql;
}

namespace {

// The columns of a relation, as Facts and Prefetch read them: name, format_type, generated.
std::string ColumnsSelect(const ServerProfile& profile) {
  // Greenplum 6 (a 9.4 catalog) has no generated columns.
  return std::string("a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), ") +
         (profile.generated_columns ? "a.attgenerated::pg_catalog.text" : "''");
}

}  // namespace

Result<TargetResolver::TargetFacts> TargetResolver::Facts(const std::string& schema,
                                                          const std::string& name) {
  TargetFacts facts;
  if (auto it = prefetched_.find({schema, name}); it != prefetched_.end()) {
    facts = std::move(it->second);
    prefetched_.erase(it);
    return facts;
  }
  ASSIGN_OR_RETURN(PgResultPtr res,
                   ExecParams(conn_,
                              "SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n "
                              "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
                              {schema, name}));
  if (PQntuples(res.get()) == 0) return facts;
  facts.exists = true;
  facts.relkind = Field(res.get(), 0, 1);
  ASSIGN_OR_RETURN(PgResultPtr cols,
                   ExecParams(conn_,
                              "SELECT " + ColumnsSelect(profile_) +
                                  " FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid "
                                  "AND a.attnum > 0 AND NOT a.attisdropped",
                              {Field(res.get(), 0, 0)}));
  for (int i = 0; i < PQntuples(cols.get()); ++i)
    facts.columns[Field(cols.get(), i, 0)] = {Field(cols.get(), i, 1),
                                              !Field(cols.get(), i, 2).empty()};
  return facts;
}

void TargetResolver::Prefetch(
    const std::vector<std::pair<std::string, std::string>>& source_names) {
  prefetched_.clear();  // a later stream's: the catalog may have changed since
  std::vector<std::pair<std::string, std::string>> targets;
  Json wanted = Json::array();
  for (const auto& [source_schema, source_name] : source_names) {
    auto target = MapName(source_schema, source_name);
    if (cache_.count(target)) continue;
    if (!prefetched_.emplace(target, TargetFacts{}).second) continue;
    wanted.push_back({{"o", targets.size()}, {"s", target.first}, {"n", target.second}});
    targets.push_back(target);
  }
  if (targets.empty()) return;
  // The names are one bound JSON parameter, never SQL text. As name, as in Facts' query:
  // a name longer than the server's limit matches the identifier the server truncates it to.
  const std::string sql =
      "SELECT w.o, c.relkind::pg_catalog.text, " + ColumnsSelect(profile_) +
      " FROM pg_catalog.json_to_recordset($1::pg_catalog.json) "
      "AS w(o pg_catalog.int8, s pg_catalog.name, n pg_catalog.name) "
      "JOIN pg_catalog.pg_namespace s ON s.nspname = w.s "
      "JOIN pg_catalog.pg_class c ON c.relnamespace = s.oid AND c.relname = w.n "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
      "AND NOT a.attisdropped";
  std::string param;
  try {
    param = wanted.dump();
  } catch (const Json::type_error&) {
    // A --table-map name that is not UTF-8: Resolve asks per table, and fails as it did.
    prefetched_.clear();
    return;
  }
  auto res = ExecParams(conn_, sql, {param});
  if (!res.ok()) {
    prefetched_.clear();  // Resolve asks per table, and reports what fails then
    return;
  }
  // Every target asked for and not returned is missing.
  for (int i = 0; i < PQntuples(res->get()); ++i) {
    const size_t at = std::stoull(Field(res->get(), i, 0));
    if (at >= targets.size()) continue;
    TargetFacts& facts = prefetched_[targets[at]];
    facts.exists = true;
    facts.relkind = Field(res->get(), i, 1);
    if (FieldIsNull(res->get(), i, 2)) continue;  // a table without columns
    facts.columns[Field(res->get(), i, 2)] = {Field(res->get(), i, 3),
                                              !Field(res->get(), i, 4).empty()};
  }
}

Status TargetResolver::CheckColumns(const TableInfo& info, CopyFormat copy_format,
                                    const TargetFacts& facts, const std::string& qualified) const {
  const std::map<std::string, TargetColumn>& target = facts.columns;
  for (const auto& c : info.columns) {
    auto it = target.find(c.name);
    if (it == target.end())
      return Status::Server("incompatible columns: target " + qualified + " has no column " +
                            QuoteIdent(c.name))
          .WithHint("map the table elsewhere with --table-map, or alter the target table");
    if (it->second.generated)
      return Status::Server("incompatible columns: column " + QuoteIdent(c.name) + " of " +
                            qualified + " is generated and cannot be loaded");
    // Binary COPY reads each field with the target type's receive function, so the types
    // must be the same; text and csv go through the input functions, which convert.
    if (copy_format == CopyFormat::kBinary &&
        WithoutTypeModifiers(it->second.type) != WithoutTypeModifiers(c.type))
      return Status::Server(
          "incompatible columns: column " + QuoteIdent(c.name) + " is " + c.type +
          " in the stream but " + it->second.type + " in " + qualified +
          " (binary format needs the same types; dump with --format text to convert)");
  }
  return Status::Ok();
}

namespace {

// Large objects go through a temporary table of the stream's three columns: each named
// object is created when missing and emptied when it has bytes (lo_open's descriptor lives
// until commit, so the empty shells --schema made are left alone), then every row's bytes
// are written at its offset. count() only makes the functions run once per row.
std::shared_ptr<TargetPlan> LargeObjectsPlan() {
  auto plan = std::make_shared<TargetPlan>();
  plan->schema = "pg_temp";
  plan->name = "segstream_large_objects";
  plan->qualified = "pg_temp.segstream_large_objects";
  plan->column_list = "(loid, \"offset\", data)";
  plan->before_copy_sql = {
      "SET LOCAL client_min_messages = warning",
      "CREATE TEMP TABLE IF NOT EXISTS segstream_large_objects (loid pg_catalog.oid NOT NULL, "
      "\"offset\" pg_catalog.int8, data pg_catalog.bytea) ON COMMIT DELETE ROWS"};
  plan->after_copy_sql = {
      "SELECT pg_catalog.count(CASE WHEN m.oid IS NULL THEN pg_catalog.lo_create(t.loid)::text "
      "WHEN pg_catalog.length(pg_catalog.lo_get(t.loid, 0, 1)) > 0 "
      "THEN pg_catalog.lo_truncate(pg_catalog.lo_open(t.loid, 131072), 0)::text END) "
      "FROM pg_temp.segstream_large_objects t LEFT JOIN pg_catalog.pg_largeobject_metadata m "
      "ON m.oid = t.loid WHERE t.\"offset\" IS NULL",
      "SELECT pg_catalog.count(CASE WHEN pg_catalog.lo_put(loid, \"offset\", data) IS NULL "
      "THEN 1 END) FROM pg_temp.segstream_large_objects WHERE \"offset\" IS NOT NULL",
      "DELETE FROM pg_temp.segstream_large_objects"};
  return plan;
}

}  // namespace

Result<std::shared_ptr<const TargetPlan>> TargetResolver::Resolve(const TableInfo& info,
                                                                  CopyFormat copy_format,
                                                                  bool execute_create) {
  // Never mapped, redirected or created: they are objects of the database, not a table.
  if (IsLargeObjectsTable(info)) return std::shared_ptr<const TargetPlan>(LargeObjectsPlan());
  auto [schema, name] = MapName(info.schema, info.name);
  auto cached = cache_.find({schema, name});
  if (cached != cache_.end()) return std::shared_ptr<const TargetPlan>(cached->second);

  auto plan = std::make_shared<TargetPlan>();
  plan->schema = schema;
  plan->name = name;
  plan->qualified = TargetName(info.schema, info.name);
  plan->column_list = "(";
  for (size_t i = 0; i < info.columns.size(); ++i)
    plan->column_list += (i ? ", " : "") + QuoteIdent(info.columns[i].name);
  plan->column_list += ")";
  if (info.columns.empty())
    return Status::Corrupt("table metadata lists no columns").WithTable(info.QualifiedName());

  ASSIGN_OR_RETURN(TargetFacts facts, Facts(schema, name));
  if (!facts.exists) {
    if (!options_.create_tables)
      return Status::Server("target table " + plan->qualified + " does not exist")
          .WithHint("create it first, or pass --create-tables");
    std::vector<std::string> types;
    for (const auto& c : info.columns) {
      auto type = types_.Resolve(c.name, c.type);
      if (!type.ok()) return type.take_status().WithTable(info.QualifiedName());
      types.push_back(*type);
    }
    std::vector<std::string> statements = {
        "CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(schema),
        CreateTableSql(plan->qualified, info, types, profile_.mpp())};
    if (execute_create) {
      for (const auto& sql : statements) {
        auto created = Exec(conn_, sql);
        if (!created.ok()) return created.take_status().Prefix("cannot create " + plan->qualified);
      }
    } else {
      plan->create_sql = std::move(statements);
    }
    plan->created = true;
  } else {
    const std::string& relkind = facts.relkind;
    if (relkind != "r" && relkind != "p")
      return Status::Server("target " + plan->qualified + " is not a table (relkind " + relkind +
                            ")");
    plan->partitioned = relkind == "p";
    RETURN_IF_ERROR(CheckColumns(info, copy_format, facts, plan->qualified));
  }
  cache_[{schema, name}] = plan;
  return std::shared_ptr<const TargetPlan>(plan);
}

}  // namespace segstream::load
