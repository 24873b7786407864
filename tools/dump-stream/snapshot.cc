#include "tools/dump-stream/snapshot.h"

#include <algorithm>

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

namespace {

// Tables locked per pipeline: the results of a batch (about 30 bytes each) must fit the
// socket buffers while libpq, blocking, is still sending the batch's statements.
constexpr size_t kLockBatch = 500;

// Ends pipeline mode however the batch ends; the connection is then usable as before (or
// lost, which the dump reports).
struct PipelineMode {
  PGconn* conn;
  ~PipelineMode() { PQexitPipelineMode(conn); }
};

// LOCK TABLE statements of names [begin, end) in one pipeline: one round trip for the
// batch, not one per table. Each is still its own statement, so a failure names its table;
// the ones after it are skipped by the server (the transaction is aborted either way).
Status LockBatch(PGconn* conn, const std::vector<std::string>& names, size_t begin, size_t end,
                 Status* failure) {
  if (PQenterPipelineMode(conn) != 1) return ServerError(conn, "cannot enter pipeline mode");
  PipelineMode pipeline{conn};
  for (size_t i = begin; i < end; ++i) {
    const std::string sql = "LOCK TABLE " + names[i] + " IN ACCESS SHARE MODE";
    if (PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
      return ServerError(conn, "cannot send LOCK TABLE");
  }
  if (PQpipelineSync(conn) != 1) return ServerError(conn, "cannot send LOCK TABLE");
  for (size_t i = begin; i < end; ++i) {
    PgResultPtr res(PQgetResult(conn));
    if (!res) return ServerError(conn, "LOCK TABLE returned no result");
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_ABORTED && failure->ok())
      *failure = ServerError(conn, "query failed", res.get())
                     .Prefix("cannot lock table")
                     .WithTable(names[i]);
    // Each statement's results end with a null result.
    PgResultPtr rest(PQgetResult(conn));
  }
  PgResultPtr sync(PQgetResult(conn));
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)
    return ServerError(conn, "LOCK TABLE pipeline did not end", sync.get());
  return Status::Ok();
}

}  // namespace

Status LockTables(PGconn* conn, const std::vector<std::string>& qualified_names,
                  const std::string& lock_wait_timeout) {
  if (!lock_wait_timeout.empty()) {
    RETURN_IF_ERROR(Exec(conn, "SET lock_timeout = " + QuoteLiteral(lock_wait_timeout)).status());
  }
  for (size_t begin = 0; begin < qualified_names.size(); begin += kLockBatch) {
    const size_t end = std::min(qualified_names.size(), begin + kLockBatch);
    Status st;
    RETURN_IF_ERROR(LockBatch(conn, qualified_names, begin, end, &st));
    if (st.ok()) continue;
    if (st.message().find("out of shared memory") != std::string::npos)
      return ExplainLockTableFull(std::move(st), qualified_names.size());
    if (lock_wait_timeout.empty()) return st;
    return std::move(st).WithHint(
        "another session holds a conflicting lock; raise --lock-wait-timeout or retry later");
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
