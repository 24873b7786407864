// A transaction that rolls back unless committed, so every early return of a table's load
// (a failed statement, a failed COPY, an aborted input) undoes what the table wrote without
// each one saying so.
// Thread safety: used by the thread that owns the connection.
#pragma once

#include "lib/common/pg/pg_conn.h"

namespace segstream::load {

class Transaction {
 public:
  // BEGIN on `conn`, which is borrowed and must outlive the transaction.
  static Result<Transaction> Begin(PGconn* conn);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() { Rollback(); }

  // COMMIT. The transaction is over whatever the result (a failed COMMIT ends it too), so
  // nothing is rolled back afterwards.
  Status Commit();
  // ROLLBACK now, unless the transaction is over or the connection is lost (the server
  // rolled it back then). Its result is not looked at: nothing is left to undo either way.
  void Rollback();

 private:
  explicit Transaction(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;  // nullptr once committed or rolled back
};

}  // namespace segstream::load
