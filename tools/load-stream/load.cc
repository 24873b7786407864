// The steps of a load-stream run (load_session.h does each), after the options were
// checked against each other.
#include <chrono>

#include "lib/common/format/format.h"
#include "lib/common/pg/table_filter.h"
#include "tools/load-stream/journal.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/load_session.h"

namespace segstream::load {

namespace {

constexpr const char* kTool = "load-stream";

Status ValidateOptions(const LoadOptions& o) {
  if (o.jobs < 1) return Status::Usage("--jobs must be at least 1");
  if (o.single_transaction && o.jobs > 1)
    return Status::Usage("--single-transaction cannot be combined with --jobs greater than 1")
        .WithHint("one transaction lives on one connection");
  if (o.single_transaction && o.on_error_continue)
    return Status::Usage("--single-transaction and --on-error-continue contradict each other");
  if (o.schema && (!o.redirect_schema.empty() || !o.table_map.empty()))
    return Status::Usage("--schema cannot be combined with --redirect-schema or --table-map")
        .WithHint("the schema recreates the source's names");
  if (o.schema && o.single_transaction)
    return Status::Usage("--schema cannot be combined with --single-transaction")
        .WithHint("pg_restore applies the schema on connections of its own");
  if (o.clean && !o.RunsSection(format::section::kPreData))
    return Status::Usage(
        "--clean needs --schema (or --section=pre-data): it drops what pre-data "
        "creates");
  if (o.clean && o.create_db)
    return Status::Usage("--clean and --create-db contradict each other")
        .WithHint("--create-db makes a new database, with nothing to clean");
  if ((o.no_owner || o.no_privileges) && !o.schema)
    return Status::Usage("--no-owner and --no-privileges only apply with --schema");
  if (!o.resume_key.empty() && !o.resume && !o.list_done)
    return Status::Usage("--resume-key needs --resume or --list-done");
  return Status::Ok();
}

// --list-done: the journal's finished tables, read and printed without an input.
Status ListDone(const LoadOptions& o) {
  ConnOptions conn_options = o.conn;
  conn_options.application_name = kTool;
  ASSIGN_OR_RETURN(PgConnPtr conn, Connect(conn_options));
  RETURN_IF_ERROR(Exec(conn.get(), "SET client_encoding TO 'UTF8'").status());
  return PrintDoneTables(conn.get(), o.resume_key);
}

}  // namespace

Status RunLoad(const LoadOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(ValidateOptions(o));
  TableFilter filter;
  RETURN_IF_ERROR(o.selection.AddTo(&filter));
  if (o.list_done) return ListDone(o);
  LoadSession session(o, filter);
  RETURN_IF_ERROR(session.OpenInput());
  RETURN_IF_ERROR(session.Connect());
  Status input_status = session.ReadInput();
  RETURN_IF_ERROR(session.WaitForJobs(std::move(input_status)));
  RETURN_IF_ERROR(session.CheckSelection());
  RETURN_IF_ERROR(session.ApplyPostData());
  RETURN_IF_ERROR(session.ApplySequences());
  RETURN_IF_ERROR(session.Analyze());
  RETURN_IF_ERROR(session.RemoveJournal());
  return session.Report(start);
}

}  // namespace segstream::load
