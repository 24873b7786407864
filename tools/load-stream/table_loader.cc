#include "tools/load-stream/table_loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/format.h"
#include "lib/common/io/termination.h"
#include "tools/load-stream/journal.h"

namespace segstream::load {

TableLoader::TableLoader(int id, PgConnPtr conn, Dispatcher* dispatcher, const LoadOptions& options,
                         Progress* progress)
    : id_(id),
      conn_(std::move(conn)),
      dispatcher_(dispatcher),
      options_(options),
      progress_(progress) {}

void TableLoader::Run() {
  while (Task* task = dispatcher_->NextTask(id_)) {
    bool aborted = false;
    Status st = Load(task, &aborted);
    if (!st.ok()) {
      task->error = st.ToString();
      task->outcome = aborted ? TaskOutcome::kNotLoaded : TaskOutcome::kFailed;
      bool connection_lost = PQstatus(conn_.get()) == CONNECTION_BAD;
      // A table's own failure is survivable under --on-error-continue; a lost connection
      // or a failing single transaction is not.
      if (!aborted &&
          (connection_lost || !options_.on_error_continue || options_.single_transaction))
        dispatcher_->SetFatal(std::move(st).WithTable(task->source));
    }
    dispatcher_->Finished(id_, task);
  }
  if (single_transaction_) {
    Status st = FinishSingleTransaction();
    if (!st.ok()) dispatcher_->SetFatal(std::move(st));
  }
}

Status TableLoader::FinishSingleTransaction() {
  Transaction transaction = std::move(*single_transaction_);
  single_transaction_.reset();
  if (!dispatcher_->CommitAllowed()) {
    transaction.Rollback();
    for (Task* t : loaded_) {
      t->outcome = TaskOutcome::kNotLoaded;
      t->error = "rolled back with the single transaction";
    }
    return Status::Ok();
  }
  CommitScope scope;  // a signal waits until the outcome is recorded (termination.h)
  Status committed = transaction.Commit();
  for (Task* t : loaded_)
    t->outcome = committed.ok() ? TaskOutcome::kCommitted : TaskOutcome::kNotLoaded;
  if (!committed.ok()) return std::move(committed).Prefix("cannot commit the single transaction");
  return Status::Ok();
}

Status TableLoader::SetEncoding(const Task& task) {
  // Text and csv data are converted by COPY's own ENCODING option, so the statement text
  // (identifiers may be any Unicode) stays UTF8. Binary fields are converted by the types'
  // receive functions, which follow client_encoding, so binary sets it to the stream's.
  std::string want = "UTF8";
  if (task.copy_format == CopyFormat::kBinary && !task.encoding.empty()) want = task.encoding;
  if (want == client_encoding_) return Status::Ok();
  auto res = Exec(conn_.get(), "SET client_encoding TO " + QuoteLiteral(want));
  if (!res.ok()) return res.take_status().Prefix("cannot set client_encoding to " + want);
  client_encoding_ = want;
  return Status::Ok();
}

Status TableLoader::RunStatement(const std::string& sql, const std::string& failure) {
  auto res = Exec(conn_.get(), sql);
  if (!res.ok()) return res.take_status().Prefix(failure);
  return Status::Ok();
}

// The table as the progress line shows it: the target, and the part of a split table.
std::string TableLoader::ShownName(const Task& task) {
  std::string name = task.plan->qualified;
  if (task.parts > 1)
    name += " (part " + std::to_string(task.part + 1) + " of " + std::to_string(task.parts) + ")";
  return name;
}

Status TableLoader::Load(Task* task, bool* aborted) {
  const auto started = std::chrono::steady_clock::now();
  if (progress_->enabled())
    progress_->TableBegin(ShownName(*task), {{"source", task->source},
                                             {"target", task->plan->qualified},
                                             {"part", task->part},
                                             {"job", id_}});
  RETURN_IF_ERROR(SetEncoding(*task));
  if (options_.single_transaction) {
    // A failure leaves the transaction to Run, which rolls everything back at the end.
    if (!single_transaction_) {
      ASSIGN_OR_RETURN(Transaction begun, Transaction::Begin(conn_.get()));
      single_transaction_.emplace(std::move(begun));
    }
    RETURN_IF_ERROR(LoadInTransaction(task, aborted));
    task->outcome = TaskOutcome::kLoaded;
    loaded_.push_back(task);
  } else {
    // A failure rolls this table back as `transaction` goes out of scope.
    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(conn_.get()));
    RETURN_IF_ERROR(LoadInTransaction(task, aborted));
    CommitScope scope;  // a signal waits until the outcome is recorded (termination.h)
    Status committed = transaction.Commit();
    if (!committed.ok())
      return std::move(committed).Prefix("cannot commit " + task->plan->qualified);
    task->outcome = TaskOutcome::kCommitted;
  }
  ReportLoaded(*task, started);
  return Status::Ok();
}

Status TableLoader::LoadInTransaction(Task* task, bool* aborted) {
  const TargetPlan& plan = *task->plan;
  ASSIGN_OR_RETURN(bool emptied, PrepareTarget(*task));
  // As pg_restore --disable-triggers: in the table's own transaction, so a rollback
  // enables them again. Foreign keys are not checked for these rows.
  const bool disable_triggers = options_.disable_triggers && plan.before_copy_sql.empty();
  if (disable_triggers)
    RETURN_IF_ERROR(RunStatement("ALTER TABLE " + plan.qualified + " DISABLE TRIGGER ALL",
                                 "cannot disable the triggers of " + plan.qualified));
  // COPY FREEZE is refused for partitioned tables and only allowed for a table created or
  // truncated in this very (sub)transaction.
  RETURN_IF_ERROR(Copy(task, emptied && !plan.partitioned, aborted));
  if (disable_triggers)
    RETURN_IF_ERROR(RunStatement("ALTER TABLE " + plan.qualified + " ENABLE TRIGGER ALL",
                                 "cannot enable the triggers of " + plan.qualified));
  for (const auto& sql : plan.after_copy_sql)
    RETURN_IF_ERROR(RunStatement(sql, "cannot write " + task->source));
  if (!task->resume_key.empty()) {
    // In the table's own transaction: the journal row commits exactly when the rows do.
    auto journaled =
        ExecParams(conn_.get(), kJournalInsertSql,
                   {task->resume_key, task->schema, task->name, std::to_string(task->part),
                    std::to_string(task->parts), std::to_string(task->trailer.totals.rows),
                    DigestHex(task->trailer.totals.digest)});
    if (!journaled.ok()) return journaled.take_status().Prefix("cannot journal " + plan.qualified);
  }
  return Status::Ok();
}

Result<bool> TableLoader::PrepareTarget(const Task& task) {
  const TargetPlan& plan = *task.plan;
  bool emptied = false;
  if (!plan.create_sql.empty() && !created_.count(plan.qualified)) {
    for (const auto& sql : plan.create_sql)
      RETURN_IF_ERROR(RunStatement(sql, "cannot create " + plan.qualified));
    created_.insert(plan.qualified);
    emptied = true;
  }
  for (const auto& sql : plan.before_copy_sql)
    RETURN_IF_ERROR(RunStatement(sql, "cannot prepare " + task.source));
  if (task.truncate && task.fresh) {  // a failed TRUNCATE (privileges) only costs the FREEZE
    // In a savepoint, so that a refusal leaves the transaction usable; COPY FREEZE then runs
    // in that same subtransaction, as it must.
    RETURN_IF_ERROR(RunStatement("SAVEPOINT segstream_freeze", "cannot prepare " + task.source));
    if (RunStatement(task.truncate_sql, "").ok()) return true;
    RETURN_IF_ERROR(
        RunStatement("ROLLBACK TO SAVEPOINT segstream_freeze", "cannot prepare " + task.source));
    return emptied;
  }
  if (task.truncate) {
    Status st = RunStatement(task.truncate_sql, "cannot truncate " + plan.qualified);
    // Referenced by a foreign key (feature_not_supported, as the server reports it).
    if (st.sqlstate() == "0A000" && !options_.cascade)
      st = std::move(st).WithHint(
          "the stream does not announce its tables, so load-stream cannot empty them together; "
          "--cascade empties the referencing tables too");
    if (!st.ok()) return st;
    emptied = true;
  }
  return emptied;
}

Status TableLoader::Copy(Task* task, bool freeze, bool* aborted) {
  const TargetPlan& plan = *task->plan;
  std::string sql = "COPY " + plan.qualified + " " + plan.column_list +
                    " FROM STDIN WITH (FORMAT " + CopyFormatName(task->copy_format);
  if (task->copy_format != CopyFormat::kBinary && !task->encoding.empty())
    sql += ", ENCODING " + QuoteLiteral(task->encoding);
  if (freeze) sql += ", FREEZE";
  sql += ")";
  ASSIGN_OR_RETURN(CopyIn copy,
                   CopyIn::Start(conn_.get(), sql, "cannot start COPY into " + plan.qualified));
  bool binary = task->copy_format == CopyFormat::kBinary;
  if (binary) RETURN_IF_ERROR(copy.Put(format::kPgBinaryHeader));
  // Rows that arrived while no job was free, then the live queue.
  RETURN_IF_ERROR(SendSpilled(task, &copy));
  if (!task->ended_before_start) RETURN_IF_ERROR(SendQueued(task, &copy, aborted));
  if (binary) RETURN_IF_ERROR(copy.Put(format::kPgBinaryTrailer));
  ASSIGN_OR_RETURN(uint64_t server_rows, copy.Finish("COPY into " + plan.qualified + " failed"));
  if (server_rows != task->trailer.totals.rows)
    return Status::Corrupt("the server counted " + std::to_string(server_rows) +
                           " rows, the table trailer says " +
                           std::to_string(task->trailer.totals.rows));
  return Status::Ok();
}

Status TableLoader::SendSpilled(Task* task, CopyIn* copy) {
  RETURN_IF_ERROR(task->spill.Rewind());
  for (;;) {
    uint32_t rows = 0;
    ASSIGN_OR_RETURN(bool more, task->spill.Next(&spill_buffer_, &rows));
    if (!more) break;
    RETURN_IF_ERROR(copy->Put(spill_buffer_));
    task->rows += rows;
    task->bytes += spill_buffer_.size();
    progress_->Add(spill_buffer_.size(), rows);
  }
  task->spill.Close();
  return Status::Ok();
}

Status TableLoader::SendQueued(Task* task, CopyIn* copy, bool* aborted) {
  for (;;) {
    Chunk chunk = dispatcher_->Pop(id_);
    if (chunk.kind == Chunk::Kind::kEnd) return Status::Ok();
    if (chunk.kind == Chunk::Kind::kAbort) {
      *aborted = true;
      return Status::Corrupt("rolled back: the input failed before this table ended");
    }
    RETURN_IF_ERROR(copy->Put(chunk.bytes));
    task->rows += chunk.rows;
    task->bytes += chunk.bytes.size();
    progress_->Add(chunk.bytes.size(), chunk.rows);
    dispatcher_->Recycle(std::move(chunk.bytes));
  }
}

void TableLoader::ReportLoaded(const Task& task,
                               std::chrono::steady_clock::time_point started) const {
  const bool single = options_.single_transaction;
  if (progress_->enabled())
    progress_->TableEnd(ShownName(task), {{"source", task.source},
                                          {"rows", task.rows},
                                          {"bytes", task.bytes},
                                          {"committed", !single}});
  if (options_.verbose) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress_->Log("load-stream: " + std::string(single ? "loaded " : "committed ") +
                   ShownName(task) + ": " + std::to_string(task.rows) + " rows, " +
                   std::to_string(task.bytes) + " bytes in " + FormatSeconds(seconds));
  }
}

}  // namespace segstream::load
