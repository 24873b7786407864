#include "tools/load-stream/schema_apply.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/format.h"
#include "lib/common/io/child_process.h"
#include "lib/common/pg/pg_client.h"
#include "tools/load-stream/sql_split.h"

namespace segstream::load {
namespace {

constexpr const char* kTool = "load-stream";

bool StartsWithWords(const std::string& stmt, const char* words) {
  std::string upper;
  for (char c : stmt.substr(0, 32))
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.rfind(words, 0) == 0;
}

bool IsInteger(const std::string& s) {
  size_t i = s[0] == '-' ? 1 : 0;
  if (s.size() <= i || s.size() > 20) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

struct ConninfoFree {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

// Runs each statement on its own. A failure that `tolerate` accepts (by the statement
// and its SQLSTATE) is counted and passed over; any other stops the run as an error
// naming the statement.
using ToleratedFn = bool (*)(const std::string& stmt, const std::string& sqlstate, bool quiet);
Result<size_t> RunStatements(PGconn* conn, const std::vector<std::string>& statements,
                             const std::string& what, ToleratedFn tolerate, bool quiet) {
  size_t tolerated = 0;
  for (size_t i = 0; i < statements.size(); ++i) {
    const std::string& stmt = statements[i];
    PgResultPtr res(PQexec(conn, stmt.c_str()));
    auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) continue;
    const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
    if (state && tolerate(stmt, state, quiet)) {
      ++tolerated;
      continue;
    }
    std::string shown = stmt.size() > 80 ? stmt.substr(0, 77) + "..." : stmt;
    return ServerError(
        conn, what + " statement " + std::to_string(i + 1) + " failed (" + shown + ")", res.get());
  }
  return tolerated;
}

// 42710 duplicate_object: the role or tablespace is there already, and the rest goes on,
// the same way for both (a second restore of the same globals succeeds). The ALTER ROLE
// after a CREATE ROLE still gives the role the source's attributes.
bool ExistingGlobal(const std::string& stmt, const std::string& sqlstate, bool quiet) {
  if (sqlstate != "42710") return false;
  const char* kind = StartsWithWords(stmt, "CREATE ROLE")         ? "role"
                     : StartsWithWords(stmt, "CREATE TABLESPACE") ? "tablespace"
                                                                  : nullptr;
  if (!kind) return false;
  if (!quiet) {
    std::string what = stmt.substr(0, stmt.find_first_of(";\n"));
    std::fprintf(stderr, "%s: warning: %s: the %s exists already; kept\n", kTool,
                 EscapeForMessage(what).c_str(), kind);
  }
  return true;
}

// What re-running post-data meets where an earlier run already built the object: an index
// or unique constraint's index (42P07 duplicate_table), a constraint, trigger, rule or
// policy (42710 duplicate_object), a second primary key (42P16).
bool ExistingPostDataObject(const std::string&, const std::string& sqlstate, bool) {
  return sqlstate == "42P07" || sqlstate == "42710" || sqlstate == "42P16";
}

ConnOptions OwnConnection(const ConnOptions& options) {
  ConnOptions c = options;
  c.application_name = kTool;
  return c;
}

// What one pg_restore run of an archive makes: the archive's listing (pg_restore --list, run
// once), narrowed by -L to the IDs the list keeps, and the file pg_restore then gets as
// --use-list (it fails on an ID its archive lacks, and a -L list names every section's).
struct RestorePlan {
  std::string listing;  // empty when not needed (no -L, no --clean, nothing skipped)
  std::optional<TempFile> use_list;
  bool nothing = false;  // -L (or `skip`) keeps none of this archive
};

Result<TempFile> WriteListFile(const std::string& listing) {
  ASSIGN_OR_RETURN(TempFile file, TempFile::Create("segstream-use-list"));
  std::FILE* f = std::fopen(file.path().c_str(), "w");
  if (!f) return Status::FromErrno(errno, "cannot write " + file.path());
  bool written = std::fwrite(listing.data(), 1, listing.size(), f) == listing.size();
  if (std::fclose(f) != 0 || !written)
    return Status::FromErrno(errno, "cannot write " + file.path());
  return file;
}

Result<std::string> ListArchiveWith(const std::string& pg_restore, const std::string& archive) {
  ChildSpec spec;
  spec.argv = {pg_restore, "--list", archive};
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  RETURN_IF_ERROR(ChildStatus("pg_restore --list", r));
  return std::move(r.out);
}

// The listing's entry lines whose dump IDs are not in `skip`.
std::string WithoutIds(const std::string& listing, const std::set<long>& skip) {
  return FilterListing(listing, [&skip](long id) { return skip.count(id) == 0; });
}

Result<RestorePlan> PlanRestore(const LoadOptions& o, const std::string& pg_restore,
                                const std::string& archive, bool cleaning,
                                const std::set<long>& skip = {}) {
  RestorePlan plan;
  if (!o.use_list && !cleaning && skip.empty()) return plan;
  ASSIGN_OR_RETURN(plan.listing, ListArchiveWith(pg_restore, archive));
  if (!o.use_list && skip.empty()) return plan;
  if (o.use_list) plan.listing = SelectFromListing(plan.listing, *o.use_list);
  if (!skip.empty()) plan.listing = WithoutIds(plan.listing, skip);
  if (plan.listing.empty()) {
    plan.nothing = true;
    return plan;
  }
  ASSIGN_OR_RETURN(TempFile file, WriteListFile(plan.listing));
  plan.use_list = std::move(file);
  return plan;
}

// --clean drops the tables pre-data creates, in pg_restore's reverse order; but a foreign key
// between two of them is post-data, not in this archive, so pg_restore would not drop it
// first and DROP TABLE of the referenced table would fail. Those keys go first, in one
// transaction (post-data makes them again). A key from a table the restore does not make
// (`listing`, what it restores) stays, and DROP TABLE then fails on it, as pg_restore's does.
Status DropKeysBetweenCleanedTables(PGconn* conn, int server_version_num,
                                    const std::string& listing) {
  // "TABLE public customers postgres", the descriptor of each table the listing makes.
  std::vector<std::string> tables;
  std::istringstream lines(listing);
  std::string line;
  while (std::getline(lines, line)) {
    long id = 0;
    size_t at = 0;
    if (SplitListLine(line, &id, &at) && line.compare(at, 6, "TABLE ") == 0)
      tables.push_back(line.substr(at));
  }
  auto made_here = [&](const std::string& schema, const std::string& name) {
    const std::string want = "TABLE " + schema + " " + name + " ";
    for (const std::string& t : tables)
      if (t.rfind(want, 0) == 0) return true;
    return false;
  };
  std::string sql =
      "SELECT rn.nspname, r.relname, k.conname, fn.nspname, f.relname "
      "FROM pg_catalog.pg_constraint k "
      "JOIN pg_catalog.pg_class r ON r.oid = k.conrelid "
      "JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace "
      "JOIN pg_catalog.pg_class f ON f.oid = k.confrelid "
      "JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace WHERE k.contype = 'f'";
  // A key cloned onto a partition goes with its parent's.
  if (server_version_num >= 110000) sql += " AND k.conparentid = 0";
  ASSIGN_OR_RETURN(PgResultPtr keys, Exec(conn, sql));
  std::vector<std::string> drops;
  for (int i = 0; i < PQntuples(keys.get()); ++i) {
    if (!made_here(Field(keys.get(), i, 0), Field(keys.get(), i, 1)) ||
        !made_here(Field(keys.get(), i, 3), Field(keys.get(), i, 4)))
      continue;
    drops.push_back("ALTER TABLE " + QuoteIdent(Field(keys.get(), i, 0)) + "." +
                    QuoteIdent(Field(keys.get(), i, 1)) + " DROP CONSTRAINT " +
                    QuoteIdent(Field(keys.get(), i, 2)));
  }
  if (drops.empty()) return Status::Ok();
  RETURN_IF_ERROR(Exec(conn, "BEGIN").status());
  for (const std::string& d : drops) {
    auto res = Exec(conn, d);
    if (!res.ok()) {
      PgResultPtr rollback(PQexec(conn, "ROLLBACK"));
      return res.take_status().Prefix("--clean: cannot drop a foreign key first");
    }
  }
  return Exec(conn, "COMMIT").status();
}

}  // namespace

Status ApplyGlobals(const ConnOptions& options, const std::string& sql, bool quiet) {
  ASSIGN_OR_RETURN(PgConnPtr conn, Connect(OwnConnection(options)));
  return RunStatements(conn.get(), SplitSqlStatements(sql), format::section::kGlobals,
                       ExistingGlobal, quiet)
      .status();
}

Status ReapplyPostData(const LoadOptions& o, const std::string& path) {
  // Its own connection: the script SETs search_path to '' and more.
  ASSIGN_OR_RETURN(PgConnPtr conn, Connect(OwnConnection(o.conn)));
  ASSIGN_OR_RETURN(ServerProfile server, ReadServerProfile(conn.get()));
  ChildSpec spec;
  ASSIGN_OR_RETURN(std::string pg_restore, ClientProgramFor(server, o.pg_bindir, "pg_restore"));
  spec.argv = {pg_restore, "--section=post-data", "--file=-"};
  ASSIGN_OR_RETURN(RestorePlan plan, PlanRestore(o, pg_restore, path, /*cleaning=*/false));
  if (plan.nothing) return Status::Ok();
  if (plan.use_list) spec.argv.push_back("--use-list=" + plan.use_list->path());
  if (o.no_owner) spec.argv.push_back("--no-owner");
  if (o.no_privileges) spec.argv.push_back("--no-privileges");
  spec.argv.push_back(path);
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  RETURN_IF_ERROR(ChildStatus("pg_restore --section=post-data --file=-", r));
  ASSIGN_OR_RETURN(size_t kept,
                   RunStatements(conn.get(), SplitSqlStatements(r.out), format::section::kPostData,
                                 ExistingPostDataObject, o.quiet));
  if (kept > 0 && !o.quiet)
    std::fprintf(stderr, "%s: warning: post-data: %zu objects were built by an earlier run; kept\n",
                 kTool, kept);
  return Status::Ok();
}

std::vector<std::string> PgRestore::CommonArgs(const LoadOptions& o) const {
  std::vector<std::string> args = {"--dbname=" + connection.conninfo};
  if (!o.conn.role.empty()) args.push_back("--role=" + o.conn.role);
  if (o.no_owner) args.push_back("--no-owner");
  if (o.no_privileges) args.push_back("--no-privileges");
  return args;
}

Result<PgRestore> PgRestoreFor(PGconn* conn, const LoadOptions& o) {
  ASSIGN_OR_RETURN(ServerProfile server, ReadServerProfile(conn));
  PgRestore restore;
  restore.server_version_num = server.version_num;
  restore.connection = ChildConnectionFor(conn, "", server.version_num < 100000);
  ASSIGN_OR_RETURN(restore.program, ClientProgramFor(server, o.pg_bindir, "pg_restore"));
  return restore;
}

Result<std::string> ListArchive(const PgRestore& restore, const LoadOptions& o,
                                const std::string& path) {
  ASSIGN_OR_RETURN(std::string listing, ListArchiveWith(restore.program, path));
  if (o.use_list) listing = SelectFromListing(listing, *o.use_list);
  return listing;
}

Status RestoreListed(const PgRestore& restore, const LoadOptions& o, const std::string& path,
                     const std::string& listing, int jobs) {
  ASSIGN_OR_RETURN(TempFile list, WriteListFile(listing));
  ChildSpec spec;
  spec.argv = {restore.program, "--exit-on-error", "--use-list=" + list.path()};
  if (jobs > 1) spec.argv.push_back("--jobs=" + std::to_string(jobs));
  for (auto& a : restore.CommonArgs(o)) spec.argv.push_back(std::move(a));
  if (o.verbose && o.progress != ProgressMode::kJson) {  // JSON: stderr stays NDJSON
    spec.argv.push_back("--verbose");
    spec.echo_stderr = true;
  }
  spec.argv.push_back(path);
  spec.env = restore.connection.env;
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  return ChildStatus("pg_restore --section=post-data", r);
}

Status RestoreArchive(PGconn* conn, const LoadOptions& o, const std::string& path,
                      const std::string& section, int jobs, const std::set<long>& skip) {
  ASSIGN_OR_RETURN(PgRestore restore, PgRestoreFor(conn, o));
  const std::string& pg_restore = restore.program;
  ChildSpec spec;
  spec.argv = {pg_restore, "--section=" + section};
  for (auto& a : restore.CommonArgs(o)) spec.argv.push_back(std::move(a));
  if (jobs > 1) {
    spec.argv.push_back("--jobs=" + std::to_string(jobs));
  } else {
    // All or nothing, so a failed pre-data can simply be run again.
    spec.argv.push_back("--single-transaction");
  }
  spec.argv.push_back("--exit-on-error");
  const bool cleaning = o.clean && section == format::section::kPreData;
  ASSIGN_OR_RETURN(RestorePlan plan, PlanRestore(o, pg_restore, path, cleaning, skip));
  if (plan.nothing) return Status::Ok();
  if (plan.use_list) spec.argv.push_back("--use-list=" + plan.use_list->path());
  // pg_restore -v's line per object, as it goes; not with --progress=json, whose stderr
  // stays NDJSON.
  if (o.verbose && o.progress != ProgressMode::kJson) {
    spec.argv.push_back("--verbose");
    spec.echo_stderr = true;
  }
  if (cleaning) {
    RETURN_IF_ERROR(DropKeysBetweenCleanedTables(conn, restore.server_version_num, plan.listing));
    spec.argv.push_back("--clean");
    if (o.if_exists) spec.argv.push_back("--if-exists");
  }
  spec.argv.push_back(path);
  spec.env = restore.connection.env;
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  Status st = ChildStatus("pg_restore --section=" + section, r);
  if (!st.ok() && section == format::section::kPreData)
    return std::move(st).WithHint(
        "the target must not have these objects yet (an empty database, or --create-db), "
        "or --clean drops them first; "
        "roles the schema names come with --globals, or leave them out with --no-owner "
        "--no-privileges");
  return st;
}

Status ApplySequences(PGconn* conn, const SqlSection& section, const TableFilter& filter,
                      const std::set<std::pair<std::string, std::string>>* listed, bool quiet) {
  auto it = section.extra.find("sequences");
  if (it == section.extra.end()) return Status::Ok();
  if (!it->is_array()) return Status::Corrupt("the sequences section has no sequence list");
  for (const Json& s : *it) {
    if (!s.is_object() || !s.contains("schema") || !s.contains("name") ||
        !s.contains("last_value") || !s.contains("is_called") || !s["schema"].is_string() ||
        !s["name"].is_string() || !s["last_value"].is_string() || !s["is_called"].is_boolean())
      return Status::Corrupt("a malformed entry in the sequences section");
    std::string value = s["last_value"].get<std::string>();
    if (!IsInteger(value))
      return Status::Corrupt("sequence value '" + value + "' is not an integer");
    std::string schema = s["schema"].get<std::string>();
    std::string name = s["name"].get<std::string>();
    if (!filter.empty()) {
      auto owner_schema = s.find("owner_schema");
      auto owner_table = s.find("owner_table");
      bool owned = owner_schema != s.end() && owner_table != s.end() && owner_schema->is_string() &&
                   owner_table->is_string();
      bool selected =
          owned ? filter.Matches(owner_schema->get<std::string>(), owner_table->get<std::string>())
                : filter.Matches(schema, name);
      if (!selected) continue;
    }
    if (listed && !listed->count({schema, name})) continue;
    // Names and value are bound parameters; the catalog finds the sequence, so a target
    // without one answers with no row instead of an error to tell apart by its text.
    auto res = ExecParams(conn,
                          "SELECT pg_catalog.setval(c.oid, $3::bigint, $4::boolean) "
                          "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                          "ON n.oid = c.relnamespace "
                          "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'S'",
                          {schema, name, value, s["is_called"].get<bool>() ? "true" : "false"});
    if (!res.ok())
      return res.take_status().Prefix("cannot set sequence " + QuoteIdent(schema) + "." +
                                      QuoteIdent(name));
    // A table loaded elsewhere, or made without its serial column: the rows are in; say
    // what was not set.
    if (PQntuples(res->get()) == 0 && !quiet)
      std::fprintf(stderr,
                   "%s: warning: sequence %s.%s does not exist on the target; its "
                   "value was not set\n",
                   kTool, EscapeForMessage(QuoteIdent(schema)).c_str(),
                   EscapeForMessage(QuoteIdent(name)).c_str());
  }
  return Status::Ok();
}

Status CreateTargetDatabase(const LoadOptions& o, const std::string& encoding, bool exists_ok,
                            bool quiet) {
  // The target's name, as libpq would resolve it: -d (a name, conninfo or URI), PGDATABASE,
  // then the user name.
  std::string target;
  std::string rest;  // the conninfo of -d without its dbname
  const std::string& d = o.conn.dbname;
  bool conninfo = d.find('=') != std::string::npos || d.rfind("postgresql://", 0) == 0 ||
                  d.rfind("postgres://", 0) == 0;
  if (conninfo) {
    char* err = nullptr;
    std::unique_ptr<PQconninfoOption, ConninfoFree> opts(PQconninfoParse(d.c_str(), &err));
    if (!opts) {
      std::string msg = err ? err : "out of memory";
      PQfreemem(err);
      return Status::Usage("cannot parse -d: " + msg);
    }
    for (PQconninfoOption* p = opts.get(); p->keyword; ++p) {
      if (!p->val || !*p->val) continue;
      std::string key = p->keyword;
      if (key == "dbname") {
        target = p->val;
        continue;
      }
      std::string v = p->val, quoted = "'";
      for (char c : v) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
      }
      rest += key + "=" + quoted + "' ";
    }
  } else {
    target = d;
  }
  if (target.empty() && std::getenv("PGDATABASE")) target = std::getenv("PGDATABASE");
  ConnOptions maint = o.conn;
  maint.application_name = kTool;
  maint.dbname = rest + "dbname=postgres";
  ASSIGN_OR_RETURN(PgConnPtr conn, Connect(maint));
  if (target.empty()) target = PQuser(conn.get());
  auto exists =
      ExecParams(conn.get(), "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", {target});
  if (!exists.ok()) return exists.take_status();
  if (PQntuples(exists->get()) > 0) {
    if (exists_ok) return Status::Ok();
    return Status::Server("--create-db: database " + QuoteIdent(target) + " already exists")
        .WithHint("drop it first, load without --create-db, or add --resume to continue a load");
  }
  std::string sql = "CREATE DATABASE " + QuoteIdent(target) + " TEMPLATE template0";
  if (!encoding.empty()) sql += " ENCODING " + QuoteLiteral(encoding);
  auto created = Exec(conn.get(), sql);
  if (!created.ok())
    return created.take_status().Prefix("cannot create database " + QuoteIdent(target));
  if (!quiet) std::fprintf(stderr, "%s: created database %s\n", kTool, QuoteIdent(target).c_str());
  return Status::Ok();
}

}  // namespace segstream::load
