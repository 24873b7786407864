#include "tools/dump-stream/schema_dump.h"

#include "lib/common/format/format.h"
#include "lib/common/pg/pg_client.h"
#include "lib/common/pg/pg_conn.h"
#include "tools/dump-stream/snapshot.h"

namespace segstream::dump {
namespace {

std::string DoubleQuoted(const std::string& ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

// As the filter reads the line (ParseExactName): a bare name stays unqualified, so pg_dump
// takes the same table the rows come from.
std::string ExactPgDumpPattern(const ExactName& n) {
  if (n.schema.empty()) return DoubleQuoted(n.name);
  return DoubleQuoted(n.schema) + "." + DoubleQuoted(n.name);
}

std::vector<std::string> PgDumpSelectionArgs(const DumpOptions& o) {
  std::vector<std::string> args;
  for (const auto& p : o.selection.include_tables) args.push_back("--table=" + p);
  for (const auto& p : o.selection.include_schemas) args.push_back("--schema=" + p);
  for (const auto& p : o.selection.exclude_tables) args.push_back("--exclude-table=" + p);
  for (const auto& p : o.selection.exclude_schemas) args.push_back("--exclude-schema=" + p);
  for (const auto& path : o.selection.include_table_files) {
    std::vector<std::string> names;
    if (!LoadTableFile(path, &names).ok()) continue;  // BuildFilters reported it already
    for (const auto& n : names) {
      auto exact = ParseExactName(n);
      if (exact.ok()) args.push_back("--table=" + ExactPgDumpPattern(exact.value()));
    }
  }
  for (const auto& path : o.selection.exclude_table_files) {
    std::vector<std::string> names;
    if (!LoadTableFile(path, &names).ok()) continue;
    for (const auto& n : names) {
      auto exact = ParseExactName(n);
      if (exact.ok()) args.push_back("--exclude-table-data=" + ExactPgDumpPattern(exact.value()));
    }
  }
  return args;
}

Result<TempFile> DumpSchemaSection(PGconn* conn, const ServerProfile& server, const DumpOptions& o,
                                   const std::string& snapshot, const std::string& section,
                                   bool large_object_shells) {
  ASSIGN_OR_RETURN(TempFile file, TempFile::Create("segstream-" + section));
  ChildConnection cc = ChildConnectionFor(conn, "", server.version_num < 100000);
  ChildSpec spec;
  ASSIGN_OR_RETURN(std::string pg_dump, ClientProgramFor(server, o.pg_bindir, "pg_dump"));
  spec.argv = {pg_dump, "--format=custom", "--section=" + section, "--file=" + file.path(),
               "--dbname=" + cc.conninfo};
  // --no-sync is from pg_dump 10; Greenplum 6's is 9.4's.
  if (server.version_num >= 100000) spec.argv.push_back("--no-sync");
  if (!o.conn.role.empty()) spec.argv.push_back("--role=" + o.conn.role);
  if (server.mpp()) spec.argv.push_back("--exclude-schema=gp_toolkit");
  // Greenplum 6's own pg_dump (9.4) has no --snapshot, though its coordinator exports one:
  // pg_dump then takes its own, as it does where no snapshot was exported.
  const bool dump_takes_snapshot = server.mpp() && server.version_num < 100000;
  if (!snapshot.empty() && !dump_takes_snapshot) spec.argv.push_back("--snapshot=" + snapshot);
  // Not --schema-only for post-data: that would also drop the REFRESH of materialized views,
  // which pg_dump files under post-data; table rows are in the data section either way.
  // Pre-data keeps it, leaving out the large objects' shells (lo_create, owner, grants),
  // unless the stream carries their bytes.
  if (section == format::section::kPreData && !large_object_shells)
    spec.argv.push_back("--schema-only");
  for (auto& a : PgDumpSelectionArgs(o)) spec.argv.push_back(std::move(a));
  spec.env = cc.env;
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  Status st = ChildStatus("pg_dump --section=" + section, r);
  if (!st.ok() && st.message().find("out of shared memory") != std::string::npos)
    return ExplainLockTableFull(std::move(st), 0);
  if (!st.ok())
    return std::move(st).WithHint(
        "pg_dump must be of the server's major version or newer; "
        "--pg-bindir names the directory of another one");
  return file;
}

Result<SqlSection> ReadSequences(PGconn* conn, const TableFilter& filter) {
  // Owned sequences (serial, identity) follow their table, as in pg_dump; free-standing
  // ones are matched by their own name. Extension members belong to the extension.
  ASSIGN_OR_RETURN(
      PgResultPtr res,
      Exec(conn,
           "SELECT n.nspname, c.relname, COALESCE(tn.nspname, ''), COALESCE(t.relname, '') "
           "FROM pg_catalog.pg_class c "
           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass "
           "  AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass "
           "  AND d.deptype IN ('a', 'i') "
           "LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid "
           "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace "
           "WHERE c.relkind = 'S' "
           "  AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
           "  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
           "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
           "    WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid "
           "    AND e.deptype = 'e') "
           "ORDER BY 1, 2"));
  struct Sequence {
    std::string schema, name, owner_schema, owner;
  };
  std::vector<Sequence> seqs;
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    Sequence s{Field(res.get(), i, 0), Field(res.get(), i, 1), Field(res.get(), i, 2),
               Field(res.get(), i, 3)};
    bool selected = s.owner.empty() ? filter.Matches(s.schema, s.name)
                                    : filter.Matches(s.owner_schema, s.owner);
    if (selected) seqs.push_back(std::move(s));
  }
  SqlSection section;
  section.section = format::section::kSequences;
  section.extra["sequences"] = Json::array();
  constexpr size_t kBatch = 500;
  for (size_t start = 0; start < seqs.size(); start += kBatch) {
    std::string sql;
    size_t end = std::min(seqs.size(), start + kBatch);
    for (size_t i = start; i < end; ++i) {
      if (i > start) sql += " UNION ALL ";
      sql += "SELECT " + std::to_string(i) + ", last_value::text, is_called FROM " +
             QuoteIdent(seqs[i].schema) + "." + QuoteIdent(seqs[i].name);
    }
    sql += " ORDER BY 1";
    auto values = Exec(conn, sql);
    if (!values.ok()) return values.take_status().Prefix("cannot read sequence values");
    for (int r = 0; r < PQntuples(values->get()); ++r) {
      size_t i = std::stoul(Field(values->get(), r, 0));
      std::string last = Field(values->get(), r, 1);
      bool called = Field(values->get(), r, 2) == "t";
      std::string qualified = QuoteIdent(seqs[i].schema) + "." + QuoteIdent(seqs[i].name);
      section.sql += "SELECT pg_catalog.setval(" + QuoteLiteral(qualified) + ", " + last + ", " +
                     (called ? "true" : "false") + ");\n";
      Json entry = {{"schema", seqs[i].schema},
                    {"name", seqs[i].name},
                    {"last_value", last},
                    {"is_called", called}};
      // The owning table (serial, identity), so a loader's selection can follow it.
      if (!seqs[i].owner.empty()) {
        entry["owner_schema"] = seqs[i].owner_schema;
        entry["owner_table"] = seqs[i].owner;
      }
      section.extra["sequences"].push_back(std::move(entry));
    }
  }
  return section;
}

Result<SqlSection> DumpGlobals(PGconn* conn, const ServerProfile& server, const DumpOptions& o) {
  ChildConnection cc = ChildConnectionFor(conn, "", server.version_num < 100000);
  ChildSpec spec;
  ASSIGN_OR_RETURN(std::string pg_dumpall, ClientProgramFor(server, o.pg_bindir, "pg_dumpall"));
  spec.argv = {pg_dumpall, "--globals-only", "--dbname=" + cc.conninfo};
  if (o.no_role_passwords) spec.argv.push_back("--no-role-passwords");
  if (!o.conn.role.empty()) spec.argv.push_back("--role=" + o.conn.role);
  spec.env = cc.env;
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  Status st = ChildStatus("pg_dumpall --globals-only", r);
  if (!st.ok())
    return std::move(st).WithHint(
        "reading roles' passwords takes a superuser; without one, "
        "leave out --globals");
  SqlSection section;
  section.section = format::section::kGlobals;
  section.sql = std::move(r.out);
  section.extra["format"] = "pg_dumpall-plain";
  return section;
}

}  // namespace segstream::dump
