// One load job: a connection and a thread that loads whole tasks, one at a time. For each
// task: BEGIN; TRUNCATE when the task owns its target's --truncate (then COPY ... FREEZE,
// as for a table created in the same transaction); COPY FROM STDIN with the stream's column
// list and format; each DATA frame's rows go to the server in one PQputCopyData; after the
// reader verified the table's trailer, PQputCopyEnd, the server's row count is compared to
// the trailer, and only then COMMIT. Anything else rolls back.
// Thread safety: a TableLoader is used by its own thread only (Run), and read by the main
// thread after that thread was joined.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/common/io/progress.h"
#include "lib/common/pg/pg_conn.h"
#include "tools/load-stream/copy_in.h"
#include "tools/load-stream/dispatcher.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/transaction.h"

namespace segstream::load {

class TableLoader {
 public:
  TableLoader(int id, PgConnPtr conn, Dispatcher* dispatcher, const LoadOptions& options,
              Progress* progress);
  // The thread body: takes tasks until the dispatcher says the run is over.
  void Run();

 private:
  static std::string ShownName(const Task& task);
  // Loads one task; sets task->outcome. A non-ok Status that is not the task's own fault
  // (connection lost) ends the run.
  Status Load(Task* task, bool* aborted);
  Status SetEncoding(const Task& task);
  // The statements and the COPY of one task, inside its transaction (or the single one).
  Status LoadInTransaction(Task* task, bool* aborted);
  // Creates the target, runs the plan's statements before COPY and truncates, as the task
  // says; true when the target was created or truncated in this transaction (COPY FREEZE
  // may then be used).
  Result<bool> PrepareTarget(const Task& task);
  Status Copy(Task* task, bool freeze, bool* aborted);
  Status SendSpilled(Task* task, CopyIn* copy);
  // The live queue until the table's end; *aborted when the input failed before it.
  Status SendQueued(Task* task, CopyIn* copy, bool* aborted);
  // One statement; a failure is prefixed with `failure`.
  Status RunStatement(const std::string& sql, const std::string& failure);
  void ReportLoaded(const Task& task, std::chrono::steady_clock::time_point started) const;
  Status FinishSingleTransaction();

  int id_;
  PgConnPtr conn_;
  Dispatcher* dispatcher_;
  const LoadOptions& options_;
  Progress* progress_;
  std::string client_encoding_;
  std::optional<Transaction> single_transaction_;  // --single-transaction, once begun
  std::set<std::string> created_;                  // tables created inside the single transaction
  std::vector<Task*> loaded_;  // tasks waiting for the single transaction's COMMIT
  std::vector<uint8_t> spill_buffer_;
};

}  // namespace segstream::load
