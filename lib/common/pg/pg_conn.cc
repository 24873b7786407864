#include "lib/common/pg/pg_conn.h"

#include "lib/common/format/stream_meta.h"

namespace segstream {

namespace {

// libpq messages span lines ("server closed the connection unexpectedly\n\tThis probably
// means..."); tools print one line per error, so fold them.
std::string Trimmed(const char* s) {
  std::string out;
  for (const char* p = s ? s : ""; *p; ++p) {
    char c = (*p == '\n' || *p == '\t') ? ' ' : *p;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

Result<PgConnPtr> Connect(const ConnOptions& o) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    keys.push_back(key);
    values.push_back(value.c_str());
  };
  // dbname first with expand_dbname, so a conninfo or URI in -d expands, and the explicit
  // -h -p -U after it override what it said (pg_dump's precedence).
  add("dbname", o.dbname);
  add("host", o.host);
  add("port", o.port);
  add("user", o.user);
  keys.push_back("fallback_application_name");
  values.push_back(o.application_name.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn) return Status::Server("out of memory allocating a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string msg = Trimmed(PQerrorMessage(conn.get()));
    return Status::Server("cannot connect: " + msg)
        .WithHint("check -d/-h/-p/-U, the PG* environment variables and ~/.pgpass");
  }
  if (!o.role.empty()) {
    auto set = Exec(conn.get(), "SET ROLE " + QuoteIdent(o.role));
    if (!set.ok()) return set.take_status().Prefix("--role " + o.role);
  }
  return conn;
}

std::string DescribeConnection(PGconn* conn) {
  std::string host = PQhost(conn) ? PQhost(conn) : "";
  std::string port = PQport(conn) ? PQport(conn) : "";
  std::string db = PQdb(conn) ? PQdb(conn) : "";
  std::string user = PQuser(conn) ? PQuser(conn) : "";
  return host + ":" + port + " database " + db + " user " + user;
}

Status ServerError(PGconn* conn, const std::string& what, const PGresult* res) {
  std::string msg, sqlstate, detail, context, hint;
  if (res) {
    msg = Trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    sqlstate = Trimmed(PQresultErrorField(res, PG_DIAG_SQLSTATE));
    detail = Trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
    context = Trimmed(PQresultErrorField(res, PG_DIAG_CONTEXT));
    hint = Trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
  }
  if (msg.empty()) msg = Trimmed(PQerrorMessage(conn));
  if (msg.rfind("ERROR:  ", 0) == 0) msg = msg.substr(8);
  if (PQstatus(conn) == CONNECTION_BAD && msg.empty()) msg = "connection to server lost";
  std::string text = what + ": " + msg;
  if (!sqlstate.empty()) text += " (SQLSTATE " + sqlstate + ")";
  // The server's DETAIL says which row broke a constraint ("Key (customer_id)=(2) is not
  // present..."), and CONTEXT where (a COPY's table and line): without them a user cannot
  // find the row.
  if (!detail.empty()) text += "; detail: " + detail;
  if (!context.empty()) text += "; context: " + context;
  Status st = Status::Server(text);
  if (!hint.empty()) st = std::move(st).WithHint(hint);
  if (!sqlstate.empty()) st = std::move(st).WithSqlstate(sqlstate);
  return st;
}

Result<PgResultPtr> Exec(PGconn* conn, const std::string& sql) {
  // The extended protocol runs exactly one statement: text that smuggles a second one in
  // fails as a whole instead of running it.
  PgResultPtr res(PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
  auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return ServerError(conn, "query failed", res.get());
  return res;
}

Result<PgResultPtr> ExecParams(PGconn* conn, const std::string& sql,
                               const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResultPtr res(PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return ServerError(conn, "query failed", res.get());
  return res;
}

std::string Field(const PGresult* res, int row, int col) {
  return PQgetisnull(res, row, col) ? std::string() : std::string(PQgetvalue(res, row, col));
}

bool FieldIsNull(const PGresult* res, int row, int col) { return PQgetisnull(res, row, col) != 0; }

Result<ServerProfile> ReadServerProfile(PGconn* conn) {
  ASSIGN_OR_RETURN(PgResultPtr version, Exec(conn, "SELECT pg_catalog.version()"));
  return ProfileFor(PQserverVersion(conn), Field(version.get(), 0, 0));
}

}  // namespace segstream
