#include "tools/load-stream/table_loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "lib/common/format/format.h"
#include "lib/common/io/termination.h"
#include "lib/common/base/text_escape.h"
#include "tools/load-stream/journal.h"

namespace segstream::load {

TableLoader::TableLoader(int id, PgConnPtr conn, Dispatcher* dispatcher,
                         const LoadOptions& options, Progress* progress)
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
      if (!aborted && (connection_lost || !options_.on_error_continue ||
                       options_.single_transaction))
        dispatcher_->SetFatal(std::move(st).WithTable(task->source));
    }
    dispatcher_->Finished(id_, task);
  }
  if (options_.single_transaction && in_transaction_) {
    Status st = FinishSingleTransaction();
    if (!st.ok()) dispatcher_->SetFatal(std::move(st));
  }
}

Status TableLoader::FinishSingleTransaction() {
  in_transaction_ = false;
  if (!dispatcher_->CommitAllowed()) {
    Rollback();
    for (Task* t : loaded_) {
      t->outcome = TaskOutcome::kNotLoaded;
      t->error = "rolled back with the single transaction";
    }
    return Status::Ok();
  }
  CommitScope scope;  // a signal waits until the outcome is recorded (termination.h)
  auto res = Exec(conn_.get(), "COMMIT");
  for (Task* t : loaded_) t->outcome = res.ok() ? TaskOutcome::kCommitted : TaskOutcome::kNotLoaded;
  if (!res.ok()) return res.take_status().Prefix("cannot commit the single transaction");
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

Status TableLoader::Put(std::span<const uint8_t> bytes) {
  // In pieces: libpq copies each CopyData message whole into its output buffer and keeps
  // the buffer's size, so a 500 MB row sent at once would cost 500 MB more for the rest
  // of the run. The server joins the pieces; COPY data need not follow row boundaries.
  constexpr size_t kPiece = 1u << 20;
  for (size_t at = 0; at < bytes.size(); at += kPiece) {
    size_t n = std::min(kPiece, bytes.size() - at);
    if (PQputCopyData(conn_.get(), reinterpret_cast<const char*>(bytes.data() + at),
                      static_cast<int>(n)) != 1)
      return ServerError(conn_.get(), "sending COPY data failed");
  }
  return Status::Ok();
}

void TableLoader::AbandonCopy() {
  if (PQstatus(conn_.get()) == CONNECTION_BAD) return;
  PQputCopyEnd(conn_.get(), "load-stream abandoned this table");
  while (PGresult* res = PQgetResult(conn_.get())) PQclear(res);
}

void TableLoader::Rollback() {
  if (PQstatus(conn_.get()) == CONNECTION_BAD) return;
  PgResultPtr res(PQexec(conn_.get(), "ROLLBACK"));
}

Status TableLoader::Load(Task* task, bool* aborted) {
  const TargetPlan& plan = *task->plan;
  const auto started = std::chrono::steady_clock::now();
  if (progress_->enabled())
    progress_->Event("table_begin", {{"table", task->source}, {"target", plan.qualified},
                                     {"part", task->part}, {"job", id_}});
  RETURN_IF_ERROR(SetEncoding(*task));
  bool single = options_.single_transaction;
  if (!in_transaction_) {
    RETURN_IF_ERROR(Exec(conn_.get(), "BEGIN").status());
    in_transaction_ = true;
  }
  // A failure from here on rolls this table back (in a single transaction: everything).
  auto fail = [&](Status st, bool in_copy) {
    if (in_copy) AbandonCopy();
    if (!single) {
      Rollback();
      in_transaction_ = false;
    }
    return st;
  };
  bool freeze = false;
  if (!plan.create_sql.empty() && !created_.count(plan.qualified)) {
    for (const auto& sql : plan.create_sql) {
      auto res = Exec(conn_.get(), sql);
      if (!res.ok())
        return fail(res.take_status().Prefix("cannot create " + plan.qualified), false);
    }
    created_.insert(plan.qualified);
    freeze = true;
  }
  for (const auto& sql : plan.before_copy_sql) {
    auto res = Exec(conn_.get(), sql);
    if (!res.ok()) return fail(res.take_status().Prefix("cannot prepare " + task->source), false);
  }
  if (task->truncate) {
    auto res = Exec(conn_.get(), task->truncate_sql);
    if (!res.ok()) {
      Status st = res.take_status().Prefix("cannot truncate " + plan.qualified);
      // Referenced by a foreign key (feature_not_supported, as the server reports it).
      if (st.sqlstate() == "0A000" && !options_.cascade)
        st = std::move(st).WithHint(
            "the stream does not announce its tables, so load-stream cannot empty them together; "
            "--cascade empties the referencing tables too");
      return fail(std::move(st), false);
    }
    freeze = true;
  }
  // As pg_restore --disable-triggers: in the table's own transaction, so a rollback
  // enables them again. Foreign keys are not checked for these rows.
  const bool disable_triggers = options_.disable_triggers && plan.before_copy_sql.empty();
  if (disable_triggers) {
    auto res = Exec(conn_.get(), "ALTER TABLE " + plan.qualified + " DISABLE TRIGGER ALL");
    if (!res.ok())
      return fail(res.take_status().Prefix("cannot disable the triggers of " + plan.qualified),
                  false);
  }
  // COPY FREEZE is refused for partitioned tables and only allowed for a table created or
  // truncated in this very (sub)transaction.
  freeze = freeze && !plan.partitioned;
  std::string sql = "COPY " + plan.qualified + " " + plan.column_list + " FROM STDIN WITH (FORMAT " +
                    CopyFormatName(task->copy_format);
  if (task->copy_format != CopyFormat::kBinary && !task->encoding.empty())
    sql += ", ENCODING " + QuoteLiteral(task->encoding);
  if (freeze) sql += ", FREEZE";
  sql += ")";
  {
    // One statement, never more (see Exec).
    PgResultPtr res(PQexecParams(conn_.get(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
    if (!res || PQresultStatus(res.get()) != PGRES_COPY_IN)
      return fail(ServerError(conn_.get(), "cannot start COPY into " + plan.qualified, res.get()),
                  false);
  }
  bool binary = task->copy_format == CopyFormat::kBinary;
  if (binary) {
    Status st = Put(format::kPgBinaryHeader);
    if (!st.ok()) return fail(std::move(st), true);
  }
  // Rows that arrived while no job was free, then the live queue.
  Status st = task->spill.Rewind();
  if (!st.ok()) return fail(std::move(st), true);
  for (;;) {
    uint32_t rows = 0;
    auto more = task->spill.Next(&spill_buffer_, &rows);
    if (!more.ok()) return fail(more.take_status(), true);
    if (!more.value()) break;
    st = Put(spill_buffer_);
    if (!st.ok()) return fail(std::move(st), true);
    task->rows += rows;
    task->bytes += spill_buffer_.size();
    progress_->Add(spill_buffer_.size(), rows);
  }
  task->spill.Close();
  if (!task->ended_before_start) {
    for (;;) {
      Chunk chunk = dispatcher_->Pop(id_);
      if (chunk.kind == Chunk::Kind::kEnd) break;
      if (chunk.kind == Chunk::Kind::kAbort) {
        *aborted = true;
        return fail(Status::Corrupt("rolled back: the input failed before this table ended"),
                    true);
      }
      st = Put(chunk.bytes);
      if (!st.ok()) return fail(std::move(st), true);
      task->rows += chunk.rows;
      task->bytes += chunk.bytes.size();
      progress_->Add(chunk.bytes.size(), chunk.rows);
    }
  }
  if (binary) {
    st = Put(format::kPgBinaryTrailer);
    if (!st.ok()) return fail(std::move(st), true);
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1)
    return fail(ServerError(conn_.get(), "ending COPY failed"), false);
  PgResultPtr res(PQgetResult(conn_.get()));
  bool copied = res && PQresultStatus(res.get()) == PGRES_COMMAND_OK;
  Status copy_error = copied ? Status::Ok()
                             : ServerError(conn_.get(), "COPY into " + plan.qualified + " failed",
                                           res.get());
  std::string tag = res ? PQcmdTuples(res.get()) : "";
  while (PGresult* extra = PQgetResult(conn_.get())) PQclear(extra);
  if (!copied) return fail(std::move(copy_error), false);
  uint64_t server_rows = std::strtoull(tag.c_str(), nullptr, 10);
  if (server_rows != task->trailer.totals.rows)
    return fail(Status::Corrupt("the server counted " + std::to_string(server_rows) +
                                " rows, the table trailer says " +
                                std::to_string(task->trailer.totals.rows)),
                false);
  if (disable_triggers) {
    auto res = Exec(conn_.get(), "ALTER TABLE " + plan.qualified + " ENABLE TRIGGER ALL");
    if (!res.ok())
      return fail(res.take_status().Prefix("cannot enable the triggers of " + plan.qualified),
                  false);
  }
  for (const auto& sql : plan.after_copy_sql) {
    auto res = Exec(conn_.get(), sql);
    if (!res.ok()) return fail(res.take_status().Prefix("cannot write " + task->source), false);
  }
  if (!task->resume_key.empty()) {
    // In the table's own transaction: the journal row commits exactly when the rows do.
    auto journaled = ExecParams(
        conn_.get(), kJournalInsertSql,
        {task->resume_key, task->schema, task->name, std::to_string(task->part),
         std::to_string(task->parts), std::to_string(task->trailer.totals.rows),
         DigestHex(task->trailer.totals.digest)});
    if (!journaled.ok())
      return fail(journaled.take_status().Prefix("cannot journal " + plan.qualified), false);
  }
  if (single) {
    task->outcome = TaskOutcome::kLoaded;
    loaded_.push_back(task);
  } else {
    CommitScope scope;  // a signal waits until the outcome is recorded (termination.h)
    auto commit = Exec(conn_.get(), "COMMIT");
    in_transaction_ = false;
    if (!commit.ok()) return commit.take_status().Prefix("cannot commit " + plan.qualified);
    task->outcome = TaskOutcome::kCommitted;
  }
  if (progress_->enabled())
    progress_->Event("table_end", {{"table", task->source}, {"rows", task->rows},
                                   {"bytes", task->bytes}, {"committed", !single}});
  if (options_.verbose) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string what = plan.qualified;
    if (task->parts > 1)
      what += " (part " + std::to_string(task->part + 1) + " of " + std::to_string(task->parts) + ")";
    std::fprintf(stderr, "load-stream: %s %s: %llu rows, %llu bytes in %.2f s\n",
                 single ? "loaded" : "committed", EscapeForMessage(what).c_str(),
                 static_cast<unsigned long long>(task->rows),
                 static_cast<unsigned long long>(task->bytes), seconds);
  }
  return Status::Ok();
}

}  // namespace segstream::load
