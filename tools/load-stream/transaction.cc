#include "tools/load-stream/transaction.h"

namespace segstream::load {

Result<Transaction> Transaction::Begin(PGconn* conn) {
  RETURN_IF_ERROR(Exec(conn, "BEGIN").status());
  return Transaction(conn);
}

Status Transaction::Commit() {
  PGconn* conn = conn_;
  conn_ = nullptr;
  return Exec(conn, "COMMIT").status();
}

void Transaction::Rollback() {
  PGconn* conn = conn_;
  conn_ = nullptr;
  if (!conn || PQstatus(conn) == CONNECTION_BAD) return;
  PgResultPtr res(PQexec(conn, "ROLLBACK"));
}

}  // namespace segstream::load
