// One load job: a connection and a thread that loads whole tasks, one at a time. For each
// task: BEGIN; TRUNCATE when the task owns its target's --truncate (then COPY ... FREEZE,
// as for a table created in the same transaction); COPY FROM STDIN with the stream's column
// list and format; each DATA frame's rows go to the server in one PQputCopyData; after the
// reader verified the table's trailer, PQputCopyEnd, the server's row count is compared to
// the trailer, and only then COMMIT. Anything else rolls back.
// Thread safety: a TableLoader is used by its own thread only (Run), and read by the main
// thread after that thread was joined.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "lib/common/pg/pg_conn.h"
#include "lib/common/io/progress.h"
#include "tools/load-stream/dispatcher.h"
#include "tools/load-stream/load_options.h"

namespace segstream::load {

class TableLoader {
 public:
  TableLoader(int id, PgConnPtr conn, Dispatcher* dispatcher, const LoadOptions& options,
              Progress* progress);
  // The thread body: takes tasks until the dispatcher says the run is over.
  void Run();

 private:
  // Loads one task; sets task->outcome. A non-ok Status that is not the task's own fault
  // (connection lost) ends the run.
  Status Load(Task* task, bool* aborted);
  Status SetEncoding(const Task& task);
  Status Put(std::span<const uint8_t> bytes);
  void AbandonCopy();
  void Rollback();
  Status FinishSingleTransaction();

  int id_;
  PgConnPtr conn_;
  Dispatcher* dispatcher_;
  const LoadOptions& options_;
  Progress* progress_;
  std::string client_encoding_;
  bool in_transaction_ = false;
  std::set<std::string> created_;      // tables created inside the single transaction
  std::vector<Task*> loaded_;          // tasks waiting for the single transaction's COMMIT
  std::vector<uint8_t> spill_buffer_;
};

}  // namespace segstream::load
