// Catalog queries are batched per kind (all columns, all primary keys, ...) with the table
// oids as one array parameter, so a database with thousands of tables costs a handful of
// round trips, not thousands.
#include "tools/dump-stream/catalog.h"

#include <cstdio>
#include <map>
#include <unordered_map>

#include "lib/common/base/text_escape.h"
#include "lib/common/cli/version.h"
#include "lib/common/pg/pg_conn.h"
#include "tools/dump-stream/snapshot.h"

namespace segstream::dump {
namespace {

std::string OidArray(const std::vector<DumpTable>& tables) {
  std::string out = "{";
  for (size_t i = 0; i < tables.size(); ++i) {
    if (i) out += ',';
    out += tables[i].oid;
  }
  return out + "}";
}

// Catalog queries return rows keyed by oid; this finds each row's table.
std::unordered_map<std::string, DumpTable*> IndexByOid(std::vector<DumpTable>* tables) {
  std::unordered_map<std::string, DumpTable*> by_oid;
  for (DumpTable& t : *tables) by_oid[t.oid] = &t;
  return by_oid;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

struct RelationRow {
  std::string oid;
  std::string schema;
  std::string name;
  char relkind = 'r';
  int64_t reltuples = -1;
  uint64_t bytes = 0;
  bool visible = false;
  std::string parent_oid;
};

Result<std::vector<RelationRow>> ListRelations(PGconn* conn, const ServerFacts& facts) {
  const bool partitions = facts.profile.declarative_partitions;
  const bool legacy = facts.profile.legacy_partitions;
  // External tables read as relkind 'x' (Greenplum 6 keeps them as 'r' with relstorage
  // 'x'); they and foreign tables ('f') are listed only to be left out with a note.
  // Greenplum 6's partitioned parents (and middle levels) read as 'p': their COPY would
  // repeat every partition's rows.
  std::string relkind = "c.relkind::text";
  if (legacy) {
    relkind =
        "CASE WHEN c.oid IN (SELECT parrelid FROM pg_catalog.pg_partition) OR "
        "(c.oid IN (SELECT parchildrelid FROM pg_catalog.pg_partition_rule) AND "
        "c.oid IN (SELECT inhparent FROM pg_catalog.pg_inherits)) THEN 'p' "
        "ELSE " +
        relkind + " END";
  }
  if (facts.profile.external_tables_by_relstorage)
    relkind = "CASE WHEN c.relstorage = 'x' THEN 'x' ELSE " + relkind + " END";
  std::string sql = "SELECT c.oid::text, n.nspname, c.relname, " + relkind +
                    ", "
                    "c.reltuples::bigint, "
                    "c.relpages::bigint * current_setting('block_size')::bigint, "
                    "pg_catalog.pg_table_is_visible(c.oid), ";
  // Nothing here may lock a relation (pg_relation_size and pg_get_expr do): a table locked
  // by someone else must not stall the listing before --lock-wait-timeout applies.
  if (partitions) {
    sql +=
        "COALESCE((SELECT i.inhparent::text FROM pg_catalog.pg_inherits i "
        "WHERE i.inhrelid = c.oid AND c.relispartition LIMIT 1), '') ";
  } else if (legacy) {
    sql +=
        "COALESCE((SELECT i.inhparent::text FROM pg_catalog.pg_inherits i "
        "WHERE i.inhrelid = c.oid AND c.oid IN "
        "(SELECT parchildrelid FROM pg_catalog.pg_partition_rule) LIMIT 1), '') ";
  } else {
    sql += "'' ";
  }
  sql +=
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'f') AND n.nspname !~ '^pg_' "
      "AND n.nspname NOT IN ('information_schema', 'gp_toolkit') "
      "ORDER BY n.nspname, c.relname";
  ASSIGN_OR_RETURN(PgResultPtr res, Exec(conn, sql));
  std::vector<RelationRow> rows;
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    RelationRow r;
    r.oid = Field(res.get(), i, 0);
    r.schema = Field(res.get(), i, 1);
    r.name = Field(res.get(), i, 2);
    r.relkind = Field(res.get(), i, 3)[0];
    r.reltuples = std::stoll(Field(res.get(), i, 4));
    r.bytes = std::stoull(Field(res.get(), i, 5));
    r.visible = Field(res.get(), i, 6) == "t";
    r.parent_oid = Field(res.get(), i, 7);
    rows.push_back(std::move(r));
  }
  return rows;
}

Status AddColumns(PGconn* conn, const ServerFacts& facts, std::vector<DumpTable>* tables,
                  std::unordered_map<std::string, std::map<int, std::string>>* attnames) {
  const bool generated = facts.profile.generated_columns;
  std::string sql =
      "SELECT a.attrelid::text, a.attnum, a.attname, "
      "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, ";
  sql += generated ? "a.attgenerated::text, "
                     "CASE WHEN a.attgenerated <> '' THEN "
                     "pg_catalog.pg_get_expr(d.adbin, d.adrelid) END "
                   : "'', NULL ";
  sql +=
      "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d "
      "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE a.attrelid = ANY($1::pg_catalog.oid[]) AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attrelid, a.attnum";
  ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn, sql, {OidArray(*tables)}));
  auto by_oid = IndexByOid(tables);
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    auto it = by_oid.find(Field(res.get(), i, 0));
    if (it == by_oid.end()) continue;
    DumpTable& t = *it->second;
    std::string name = Field(res.get(), i, 2);
    (*attnames)[t.oid][std::stoi(Field(res.get(), i, 1))] = name;
    std::string kind = Field(res.get(), i, 5);
    if (!kind.empty()) {
      // Generated columns are computed again on load; COPY cannot write them anyway.
      Json& g = t.info.extra["generated_columns"];
      g.push_back({{"name", name},
                   {"type", Field(res.get(), i, 3)},
                   {"kind", kind == "s" ? "stored" : kind},
                   {"expression", Field(res.get(), i, 6)}});
      continue;
    }
    ColumnInfo col;
    col.name = name;
    col.type = Field(res.get(), i, 3);
    col.not_null = Field(res.get(), i, 4) == "t";
    t.copy_columns.push_back(col.name);
    t.info.columns.push_back(std::move(col));
  }
  return Status::Ok();
}

// Exact sizes (for splitting and the ETA) and partition bounds, once the tables are locked.
Status AddSizesAndBounds(PGconn* conn, const ServerFacts& facts, std::vector<DumpTable>* tables) {
  std::string sql = "SELECT c.oid::text, pg_catalog.pg_relation_size(c.oid), ";
  sql += facts.profile.declarative_partitions
             ? "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END "
             : "NULL ";
  sql += "FROM pg_catalog.pg_class c WHERE c.oid = ANY($1::pg_catalog.oid[])";
  ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn, sql, {OidArray(*tables)}));
  auto by_oid = IndexByOid(tables);
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    auto it = by_oid.find(Field(res.get(), i, 0));
    if (it == by_oid.end()) continue;
    it->second->relation_bytes = std::stoull(Field(res.get(), i, 1));
    if (!it->second->info.partition_parent.empty()) {
      it->second->info.partition_bound = Field(res.get(), i, 2);
    }
  }
  return Status::Ok();
}

Status AddPrimaryKeys(PGconn* conn, std::vector<DumpTable>* tables) {
  const std::string sql =
      "SELECT i.indrelid::text, a.attname FROM pg_catalog.pg_index i "
      "CROSS JOIN LATERAL unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY k(attnum, ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
      "WHERE i.indisprimary AND i.indrelid = ANY($1::pg_catalog.oid[]) "
      "ORDER BY i.indrelid, k.ord";
  ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn, sql, {OidArray(*tables)}));
  auto by_oid = IndexByOid(tables);
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    auto it = by_oid.find(Field(res.get(), i, 0));
    if (it != by_oid.end()) it->second->info.primary_key.push_back(Field(res.get(), i, 1));
  }
  return Status::Ok();
}

// Columns of every PARTITION BY HASH parent, keyed by the parent's oid. Expression keys
// have attnum 0 and no name: they are left out, and the key is then recorded as empty.
Result<std::unordered_map<std::string, std::vector<std::string>>> HashPartitionKeys(PGconn* conn) {
  const std::string sql =
      "SELECT pt.partrelid::text, a.attname, "
      "0 = ANY(pt.partattrs::pg_catalog.int2[]) AS has_expr "
      "FROM pg_catalog.pg_partitioned_table pt "
      "CROSS JOIN LATERAL unnest(pt.partattrs::pg_catalog.int2[]) WITH ORDINALITY k(attnum, ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.attnum "
      "WHERE pt.partstrat = 'h' ORDER BY pt.partrelid, k.ord";
  ASSIGN_OR_RETURN(PgResultPtr res, Exec(conn, sql));
  std::unordered_map<std::string, std::vector<std::string>> keys;
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    if (Field(res.get(), i, 2) == "t") continue;
    keys[Field(res.get(), i, 0)].push_back(Field(res.get(), i, 1));
  }
  return keys;
}

Status AddDistribution(
    PGconn* conn, const ServerProfile& profile, std::vector<DumpTable>* tables,
    const std::unordered_map<std::string, std::map<int, std::string>>& attnames) {
  // The column is the profile's, from a fixed table: never text from anywhere else.
  const std::string sql =
      "SELECT p.localoid::text, p.policytype::text, "
      "array_to_string(p.distkey::pg_catalog.int2[], ','), "
      "array_to_string(p." +
      profile.distribution_opclass_column +
      "::pg_catalog.oid[], ','), "
      "p.numsegments "
      "FROM pg_catalog.gp_distribution_policy p "
      "WHERE p.localoid = ANY($1::pg_catalog.oid[])";
  ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn, sql, {OidArray(*tables)}));
  ASSIGN_OR_RETURN(PgResultPtr opc,
                   Exec(conn, "SELECT oid::text, opcname FROM pg_catalog.pg_opclass"));
  std::unordered_map<std::string, std::string> opcnames;
  for (int i = 0; i < PQntuples(opc.get()); ++i) {
    opcnames[Field(opc.get(), i, 0)] = Field(opc.get(), i, 1);
  }
  auto by_oid = IndexByOid(tables);
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    auto it = by_oid.find(Field(res.get(), i, 0));
    if (it == by_oid.end()) continue;
    TableInfo& info = it->second->info;
    std::string type = Field(res.get(), i, 1);
    auto names = attnames.find(it->second->oid);
    for (const std::string& num : SplitCommas(Field(res.get(), i, 2))) {
      if (names != attnames.end()) {
        auto n = names->second.find(std::stoi(num));
        if (n != names->second.end()) info.distribution_key.push_back(n->second);
      }
    }
    for (const std::string& oid : SplitCommas(Field(res.get(), i, 3))) {
      info.distribution_opclasses.push_back(opcnames[oid]);
    }
    if (type == "r") {
      info.distribution_policy = "replicated";
    } else {
      info.distribution_policy = info.distribution_key.empty() ? "random" : "hash";
    }
    info.extra["numsegments"] = std::stoi(Field(res.get(), i, 4));
  }
  return Status::Ok();
}

}  // namespace

StreamInfo NewStreamInfo(PGconn* conn, const ServerFacts& facts, CopyFormat copy_format) {
  StreamInfo info;
  info.producer = ProducerName("dump-stream");
  info.stream_id = RandomHexId();
  info.created_at = NowIso8601();
  info.server_version = facts.version;
  info.server_version_num = facts.version_num;
  info.encoding = facts.encoding;
  info.database = facts.database;
  info.source = DescribeConnection(conn);
  info.copy_format = copy_format;
  return info;
}

Result<ServerFacts> ReadServerFacts(PGconn* conn) {
  ASSIGN_OR_RETURN(
      PgResultPtr res,
      Exec(conn,
           "SELECT current_setting('server_version'), current_setting('server_version_num'), "
           "pg_catalog.getdatabaseencoding(), pg_catalog.current_database(), "
           "current_setting('block_size'), pg_catalog.version(), "
           "pg_catalog.to_regclass('pg_catalog.gp_distribution_policy') IS NOT NULL"));
  ServerFacts f;
  f.version = Field(res.get(), 0, 0);
  f.version_num = std::stoi(Field(res.get(), 0, 1));
  f.encoding = Field(res.get(), 0, 2);
  f.database = Field(res.get(), 0, 3);
  f.block_size = std::stoull(Field(res.get(), 0, 4));
  std::string banner = Field(res.get(), 0, 5);
  if (banner.find("Cloudberry") != std::string::npos) {
    f.mpp = "cloudberry";
  } else if (banner.find("Greenplum") != std::string::npos) {
    f.mpp = "greenplum";
  }
  f.has_distribution_policy = Field(res.get(), 0, 6) == "t";
  ASSIGN_OR_RETURN(f.profile, ProfileFor(f.version_num, banner));
  return f;
}

Result<std::vector<DumpTable>> DiscoverTables(PGconn* conn, const ServerFacts& facts,
                                              const TableFilter& filter,
                                              const TableFilter& excludes, const LockFunction& lock,
                                              std::vector<std::string>* left_out) {
  ASSIGN_OR_RETURN(std::vector<RelationRow> rows, ListRelations(conn, facts));
  std::unordered_map<std::string, const RelationRow*> by_oid;
  for (const RelationRow& r : rows) by_oid[r.oid] = &r;

  std::vector<DumpTable> tables;
  for (const RelationRow& r : rows) {
    if (r.relkind != 'r' && r.relkind != 'f' && r.relkind != 'x') continue;
    bool selected = filter.Matches(r.schema, r.name, r.visible);
    if (!selected && filter.has_includes() && excludes.Matches(r.schema, r.name, r.visible)) {
      // Selecting a partitioned table selects its leaves (pg_dump 16's --table-and-children).
      for (auto p = by_oid.find(r.parent_oid); p != by_oid.end() && !selected;
           p = by_oid.find(p->second->parent_oid)) {
        selected = filter.Matches(p->second->schema, p->second->name, p->second->visible);
      }
    }
    if (!selected) continue;
    if (r.relkind != 'r') {
      // Their rows live outside the database (gpbackup and pg_dump leave them out too).
      left_out->push_back((r.relkind == 'x' ? "external table " : "foreign table ") +
                          QuoteIdent(r.schema) + "." + QuoteIdent(r.name));
      continue;
    }
    DumpTable t;
    t.oid = r.oid;
    t.relation_bytes = r.bytes;
    t.info.schema = r.schema;
    t.info.name = r.name;
    t.info.estimated_rows = r.reltuples;
    auto parent = by_oid.find(r.parent_oid);
    if (parent != by_oid.end()) {
      t.info.partition_parent =
          QuoteIdent(parent->second->schema) + "." + QuoteIdent(parent->second->name);
    }
    tables.push_back(std::move(t));
  }
  if (tables.empty()) return tables;
  RETURN_IF_ERROR(lock(tables));
  RETURN_IF_ERROR(AddSizesAndBounds(conn, facts, &tables));

  std::unordered_map<std::string, std::map<int, std::string>> attnames;
  RETURN_IF_ERROR(AddColumns(conn, facts, &tables, &attnames));
  RETURN_IF_ERROR(AddPrimaryKeys(conn, &tables));
  if (facts.profile.declarative_partitions) {
    ASSIGN_OR_RETURN(auto hash_keys, HashPartitionKeys(conn));
    for (DumpTable& t : tables) {
      auto row = by_oid.find(t.oid);
      if (row == by_oid.end() || row->second->parent_oid.empty()) continue;
      auto key = hash_keys.find(row->second->parent_oid);
      if (key != hash_keys.end()) t.info.hash_partition_key = key->second;
    }
  }
  if (facts.has_distribution_policy && facts.profile.mpp())
    RETURN_IF_ERROR(AddDistribution(conn, facts.profile, &tables, attnames));
  return tables;
}

Result<std::vector<DumpTable>> SelectAndLockTables(PGconn* conn, const ServerFacts& facts,
                                                   const TableFilter& filter,
                                                   const TableFilter& excludes,
                                                   const std::string& lock_wait_timeout,
                                                   bool quiet) {
  auto lock = [&](const std::vector<DumpTable>& selected) {
    std::vector<std::string> names;
    for (const DumpTable& t : selected) names.push_back(t.info.QualifiedName());
    return LockTables(conn, names, lock_wait_timeout);
  };
  std::vector<std::string> left_out;
  ASSIGN_OR_RETURN(std::vector<DumpTable> tables,
                   DiscoverTables(conn, facts, filter, excludes, lock, &left_out));
  if (!left_out.empty() && !quiet) {
    std::string names;
    for (const auto& n : left_out) names += (names.empty() ? "" : ", ") + n;
    std::fprintf(stderr,
                 "dump-stream: note: left out %zu table%s whose rows live outside the "
                 "database: %s\n",
                 left_out.size(), left_out.size() == 1 ? "" : "s", EscapeForMessage(names).c_str());
  }
  if (tables.empty() && filter.has_includes()) {
    return Status::Usage("no matching tables were found")
        .WithHint(
            "patterns follow pg_dump: unquoted names fold to lower case; quote "
            "mixed-case names as '\"Name\"'");
  }
  return tables;
}

Status AddIndexNames(PGconn* conn, std::vector<DumpTable>* tables) {
  if (tables->empty()) return Status::Ok();
  const std::string sql =
      "SELECT i.indrelid::text, c.relname FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
      "WHERE i.indrelid = ANY($1::pg_catalog.oid[]) ORDER BY 1, 2";
  ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn, sql, {OidArray(*tables)}));
  auto by_oid = IndexByOid(tables);
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    auto it = by_oid.find(Field(res.get(), i, 0));
    if (it != by_oid.end()) it->second->index_names.push_back(Field(res.get(), i, 1));
  }
  return Status::Ok();
}

}  // namespace segstream::dump
