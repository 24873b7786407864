#include "tools/dump-stream/snapshot.h"

#include "lib/common/pg/pg_conn.h"

namespace segstream::dump {

Result<Json> ApplySessionSettings(PGconn* conn, const std::string& encoding,
                                  const ServerProfile& profile) {
  // TimeZone UTC: timestamptz text carries its offset either way, but a fixed zone makes
  // the bytes (and so the digests) of one snapshot identical whichever server default or
  // PGTZ was in effect. row_security off: a dump must fail rather than silently skip rows
  // hidden by a policy (pg_dump does the same).
  Json settings = Json::object();
  settings["client_encoding"] = encoding;
  settings["DateStyle"] = "ISO";
  settings["IntervalStyle"] = "postgres";
  settings["extra_float_digits"] = "3";
  settings["TimeZone"] = "UTC";
  if (profile.row_security) settings["row_security"] = "off";
  std::vector<std::string> statements;
  for (auto it = settings.begin(); it != settings.end(); ++it)
    statements.push_back("SET " + it.key() + " = " + QuoteLiteral(it.value().get<std::string>()));
  // Not recorded: they only keep the server from ending a long dump.
  statements.push_back("SET statement_timeout = 0");
  if (profile.idle_in_transaction_timeout)
    statements.push_back("SET idle_in_transaction_session_timeout = 0");
  statements.push_back("SET lock_timeout = 0");
  for (const auto& sql : statements) RETURN_IF_ERROR(Exec(conn, sql).status());
  return settings;
}

Result<std::string> BeginLeaderTransaction(PGconn* conn, const std::string& import_snapshot) {
  auto begun = Exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  if (!begun.ok()) return begun.take_status();
  if (!import_snapshot.empty()) {
    auto set = Exec(conn, "SET TRANSACTION SNAPSHOT " + QuoteLiteral(import_snapshot));
    if (!set.ok()) {
      return set.take_status()
          .Prefix("cannot import snapshot '" + import_snapshot + "'")
          .WithHint("the exporting transaction must still be open, on the same database");
    }
    return import_snapshot;
  }
  ASSIGN_OR_RETURN(PgResultPtr res, Exec(conn, "SELECT pg_catalog.pg_export_snapshot()"));
  return Field(res.get(), 0, 0);
}

Status ExplainLockTableFull(Status st, size_t tables) {
  if (st.message().find("out of shared memory") == std::string::npos) return st;
  return std::move(st).WithHint(
      "a dump holds a lock on " +
      (tables ? "each of its " + std::to_string(tables) + " tables" : std::string("every table")) +
      " until it ends; raise max_locks_per_transaction on the server (the lock "
      "table has room for about max_locks_per_transaction x (max_connections + "
      "max_prepared_transactions) locks; a restart is needed), or dump fewer tables per run "
      "with -n/-t");
}

Status LockTables(PGconn* conn, const std::vector<std::string>& qualified_names,
                  const std::string& lock_wait_timeout) {
  if (!lock_wait_timeout.empty()) {
    RETURN_IF_ERROR(Exec(conn, "SET lock_timeout = " + QuoteLiteral(lock_wait_timeout)).status());
  }
  for (const std::string& name : qualified_names) {
    auto locked = Exec(conn, "LOCK TABLE " + name + " IN ACCESS SHARE MODE");
    if (!locked.ok()) {
      Status st = locked.take_status().Prefix("cannot lock table").WithTable(name);
      if (st.message().find("out of shared memory") != std::string::npos)
        return ExplainLockTableFull(std::move(st), qualified_names.size());
      if (lock_wait_timeout.empty()) return st;
      return std::move(st).WithHint(
          "another session holds a conflicting lock; raise --lock-wait-timeout or retry later");
    }
  }
  if (!lock_wait_timeout.empty()) RETURN_IF_ERROR(Exec(conn, "SET lock_timeout = 0").status());
  return Status::Ok();
}

Status BeginJobTransaction(PGconn* conn, const std::string& snapshot) {
  RETURN_IF_ERROR(Exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").status());
  auto set = Exec(conn, "SET TRANSACTION SNAPSHOT " + QuoteLiteral(snapshot));
  if (!set.ok()) return set.take_status().Prefix("cannot import snapshot '" + snapshot + "'");
  return Status::Ok();
}

}  // namespace segstream::dump
