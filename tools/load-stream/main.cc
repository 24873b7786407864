// load-stream: applies a segstream to a PostgreSQL server, each table verified before COMMIT.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "lib/common/base/size_suffix.h"
#include "lib/common/cli/cli.h"
#include "lib/common/format/format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/load-stream/cluster_load.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/segment_agent.h"

namespace {
constexpr const char* kTool = "load-stream";
}  // namespace

// An exception that escapes ends the tool cleanly (InstallTerminationHandling).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::load::LoadOptions o;
  segstream::load::LoadAgentOptions agent;
  std::string progress;

  CLI::App app{
      "Apply a segstream read from stdin or FILE to a PostgreSQL database with COPY FROM "
      "STDIN; each table is committed only after its trailer verified.",
      kTool};
  app.set_help_flag("--help", "print this help and exit");
  segstream::AddVersionFlag(app, kTool);
  app.add_option("FILE", o.input, "input stream (default: stdin; '-' is stdin)");
  app.add_option("-d,--dbname", o.conn.dbname, "database name, conninfo string or URI");
  app.add_option("-h,--host", o.conn.host, "server host or socket directory");
  app.add_option("-p,--port", o.conn.port, "server port");
  app.add_option("-U,--username", o.conn.user, "user name");
  app.add_option("--role", o.conn.role,
                 "SET ROLE to this role on every connection (and pg_restore --role)");
  app.add_option("-j,--jobs", o.jobs, "connections loading tables in parallel (default 1)");
  app.add_flag("--truncate", o.truncate,
               "empty each target table before its first part loads (then COPY FREEZE); "
               "tables foreign keys link are emptied together, in one TRUNCATE");
  app.add_flag("--cascade", o.cascade,
               "with --truncate: TRUNCATE ... CASCADE, also emptying tables outside the load "
               "that reference its tables")
      ->needs("--truncate");
  app.add_flag("--create-tables", o.create_tables,
               "create missing target tables from the stream's column metadata");
  app.add_option("--redirect-schema", o.redirect_schema, "load every table into schema S");
  app.add_option("--table-map", o.table_map, "load table OLD into NEW (OLD=NEW, repeatable)")
      ->allow_extra_args(false);
  // One value per flag: a pattern list must not swallow the positional FILE.
  o.selection.AddOptions(app, "load", /*one_value_each=*/true);
  app.add_option("-L,--use-list", o.use_list_file,
                 "restore only what the list FILE names: toc -l's output, lines commented out "
                 "with ';' (schema objects, TABLE DATA and SEQUENCE SET lines), as pg_restore -L");
  app.add_flag("--strict-names", o.strict_names,
               "each -t, -n and include-file pattern must match a table of the stream (as "
               "pg_dump's); without it only a selection matching nothing is an error");
  app.add_flag("-1,--single-transaction", o.single_transaction,
               "load everything in one transaction: all or nothing (needs --jobs 1)");
  app.add_flag("--on-error-continue", o.on_error_continue,
               "log a failing table and go on; exit 4 at the end if any failed");
  app.add_flag("--analyze", o.analyze, "ANALYZE each loaded table (the default with --schema)");
  app.add_flag("--no-analyze", o.no_analyze, "no ANALYZE, not even after --schema");
  std::string early_indexes;
  app.add_option("--early-indexes", early_indexes,
                 "with --schema: build the indexes, primary keys and unique constraints of a "
                 "table of at least SIZE (default 16MB; 0: every table) as soon as its rows "
                 "commit, while later tables load; 'off': all after the last table");
  app.add_flag("--dry-run", o.dry_run,
               "read and verify the stream, check every target table, load nothing");
  segstream::AddProgressFlag(app, &progress);
  app.add_flag("-q,--quiet", o.quiet, "no summary line");
  segstream::AddVerboseFlag(app, &o.verbose,
                            "one line per table (or part) as it commits: rows, bytes, seconds");
  bool exit_on_error = false;
  app.add_flag("-e,--exit-on-error", exit_on_error,
               "stop at the first failed table (the default; as pg_restore -e)")
      ->excludes("--on-error-continue");
  app.add_flag("--schema", o.schema,
               "apply the stream's schema: pre-data before the rows, then post-data (indexes, "
               "constraints; --jobs in parallel) and the sequence values after them");
  app.add_option("--section", o.sections,
                 "restore only this section: pre-data, data (rows and sequence values) or "
                 "post-data (repeatable, as pg_restore's; pre-data and post-data imply --schema)")
      ->check(CLI::IsMember(std::vector<std::string>{segstream::format::section::kPreData,
                                                     segstream::format::section::kData,
                                                     segstream::format::section::kPostData}))
      ->allow_extra_args(false);
  app.add_flag("--globals", o.globals, "create the stream's roles and tablespaces first");
  app.add_flag("--create-db", o.create_db,
               "create the target database (with the stream's encoding) first");
  app.add_flag("-c,--clean", o.clean,
               "with --schema: drop the objects pre-data creates before creating them (as "
               "pg_restore's; foreign keys between them go first)");
  app.add_flag("--if-exists", o.if_exists,
               "with --clean: DROP ... IF EXISTS, no error for a missing object")
      ->needs("--clean");
  app.add_flag("--no-owner", o.no_owner, "with --schema: do not set objects' owners");
  app.add_flag("--no-privileges", o.no_privileges, "with --schema: do not apply GRANT/REVOKE");
  app.add_flag("--disable-triggers", o.disable_triggers,
               "load each table with its triggers, foreign-key checks included, disabled "
               "(pg_restore's; needs a superuser)");
  app.add_flag("--no-sequences", o.no_sequences,
               "do not set the sequence values the stream carries (set after the rows by default)");
  app.add_flag("--resume", o.resume,
               "skip tables the target's journal (segstream.journal) has as committed, and "
               "journal each table committed now");
  app.add_flag("--keep-journal", o.keep_journal,
               "with --resume: keep the journal after a completed load (by default it is "
               "removed, and the segstream schema with it)")
      ->needs("--resume");
  app.add_option("--resume-key", o.resume_key,
                 "journal under KEY instead of the stream's source identity");
  app.add_flag("--list-done", o.list_done,
               "print the journal's finished tables (for dump-stream --exclude-table-file) "
               "and exit");
  app.add_option("--pg-bindir", o.pg_bindir,
                 "directory of the pg_restore to run (default: the newest installed, in PATH or "
                 "/usr/lib/postgresql/*/bin, not older than the server)");
  app.add_option("--segment-input", o.segment_input,
                 "Greenplum/Cloudberry coordinator: load stream PATTERN (%d = content id; a file "
                 "or '|command' read on that segment's host) into each primary segment, "
                 "Greenplum checking every row's placement; load-stream must be installed at "
                 "the same path on every host");
  auto* internal =
      app.add_option_group("Segment agent",
                           "run by Greenplum on each segment host during --segment-input; not for "
                           "direct use");
  internal->add_option("--agent", agent.role, "serve, next, rows, skip, finish or abort");
  internal->add_option("--agent-socket", agent.socket, "the segment agent's socket name");
  internal->add_option("--agent-segment", agent.segment, "this segment's content id");
  internal->add_option("--agent-input", agent.input, "the input target, base64");
  internal->add_option("--agent-idle-timeout", agent.idle_timeout_seconds,
                       "seconds without a request before the agent stops (600)");
  app.footer(
      "Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 stream corrupt, truncated "
      "or failing verification, 4 some tables failed under --on-error-continue.\n"
      "SQL sections of the stream run only with --schema or --globals.");

  if (auto exit_code = segstream::ParseCommandLine(app, argc, argv, kTool)) return *exit_code;
  if (!agent.role.empty()) return segstream::load::RunLoadAgent(agent);
  if (early_indexes == "off") {
    o.early_indexes_min.reset();
  } else if (!early_indexes.empty()) {
    auto size = segstream::ParseSize(early_indexes);
    if (!size.ok()) return segstream::ReportError(kTool, size.status());
    o.early_indexes_min = size.value();
  }
  if (!o.use_list_file.empty()) {
    auto list = segstream::load::ReadUseList(o.use_list_file);
    if (!list.ok()) return segstream::ReportError(kTool, list.status());
    o.use_list = std::move(list.value());
  }
  for (const auto& section : o.sections)
    if (section != segstream::format::section::kData) o.schema = true;
  segstream::InstallTerminationHandling(kTool);
  if (auto st = segstream::ProgressFromFlag(progress, &o.progress); !st.ok())
    return segstream::ReportError(kTool, st);
  segstream::Status st =
      o.segment_input.empty() ? segstream::load::RunLoad(o) : segstream::load::RunClusterLoad(o);
  if (st.ok()) return 0;
  return segstream::ReportError(kTool, st);
}
