// dump-stream: COPY tables out of one PostgreSQL server (or one MPP segment) into a segstream
// on stdout, all under one snapshot.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "lib/common/base/size_suffix.h"
#include "lib/common/cli/cli.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"
#include "tools/dump-stream/cluster_dump.h"
#include "tools/dump-stream/dump.h"
#include "tools/dump-stream/dump_options.h"
#include "tools/dump-stream/segment_agent.h"

namespace {
constexpr const char* kTool = "dump-stream";
}  // namespace

// An exception that escapes ends the tool cleanly (InstallTerminationHandling).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::dump::DumpOptions o;
  segstream::dump::SegmentAgentOptions agent;
  std::string progress;
  std::string split;

  CLI::App app{
      "Write the rows of a PostgreSQL database's tables to stdout (or FILE) as one "
      "segstream, under one consistent snapshot.",
      kTool};
  app.set_help_flag("--help", "print this help and exit");
  segstream::AddVersionFlag(app, kTool);
  app.add_option("-d,--dbname", o.conn.dbname, "database name, conninfo string or URI");
  app.add_option("-h,--host", o.conn.host, "server host or socket directory");
  app.add_option("-p,--port", o.conn.port, "server port");
  app.add_option("-U,--username", o.conn.user, "user name");
  app.add_option("--role", o.conn.role,
                 "SET ROLE to this role on every connection (and pg_dump --role)");
  app.add_option("-o,--output", o.output, "write the stream to FILE (default: stdout; '-')");
  app.add_flag("-f,--force", o.force, "write binary output even to a terminal");
  app.add_option("-j,--jobs", o.jobs, "connections copying tables at once (default 1)");
  app.add_option("--snapshot", o.snapshot,
                 "use this exported snapshot (pg_export_snapshot()) instead of a new one");
  app.add_option("--lock-wait-timeout", o.lock_wait_timeout,
                 "fail instead of waiting longer than this for a table lock (e.g. 10s, 500ms; "
                 "default: wait)");
  o.selection.AddOptions(app, "dump", /*one_value_each=*/false);
  std::string format_name;
  app.add_option("-F,--format", format_name,
                 "COPY format: auto (default: binary where every column type is portable, else "
                 "text), text, csv or binary");
  app.add_option("--split-larger-than", split,
                 "split tables larger than SIZE (e.g. 1GB) into CTID ranges dumped in parallel; "
                 "'off' (or 0) never splits; default 'auto': on PostgreSQL 14+ a table over "
                 "256MB and over its share of the bytes (total / --jobs) is split over all "
                 "--jobs, in parts of at most 1GB");
  app.add_option("--segment", o.segment, "record this stream as MPP segment ID");
  app.add_option("--segments", o.segments, "record the source cluster's segment count N");
  app.add_option("--segment-output", o.segment_output,
                 "Greenplum/Cloudberry coordinator: dump the whole cluster in one distributed "
                 "snapshot, one stream per primary segment written on that segment's host to "
                 "PATTERN (%d = content id), a file or '|command'; dump-stream must be "
                 "installed at the same path on every host");
  segstream::AddProgressFlag(app, &progress);
  app.add_flag("-q,--quiet", o.quiet, "no progress output");
  segstream::AddVerboseFlag(app, &o.verbose,
                            "a line per table (or part) dumped, on stderr: rows, bytes, seconds");
  app.add_flag("--schema", o.schema,
               "embed the schema: pg_dump's pre-data before the rows, post-data and sequence "
               "values after them, all from the dump's snapshot");
  app.add_flag("--schema-only", o.schema_only, "embed the schema and no rows");
  app.add_flag("--data-only", o.data_only, "rows and sequence values, no schema");
  app.add_flag("--no-sequences", o.no_sequences,
               "leave out the sequence values (by default they travel with the rows)");
  app.add_flag("--globals", o.globals, "embed roles and tablespaces (pg_dumpall --globals-only)");
  app.add_flag("--no-role-passwords", o.no_role_passwords,
               "with --globals: leave out the roles' password hashes");
  app.add_flag("-B,--no-large-objects,--no-blobs", o.no_large_objects,
               "leave out large objects, which a whole-database dump (no -t, -n) carries as "
               "pg_dump does");
  app.add_option("--pg-bindir", o.pg_bindir,
                 "directory of the pg_dump and pg_dumpall to run (default: the newest installed, "
                 "in PATH or /usr/lib/postgresql/*/bin, not older than the server)");
  auto* internal =
      app.add_option_group("Segment agent",
                           "run by Greenplum on each segment host during --segment-output; not for "
                           "direct use");
  internal->add_option("--agent", agent.role, "collect, feed, finish, commit or abort");
  internal->add_option("--agent-socket", agent.socket, "the segment agent's socket name");
  internal->add_option("--agent-segment", agent.segment, "this segment's content id");
  internal->add_option("--agent-segments", agent.segments, "the cluster's primary segments");
  internal->add_option("--agent-output", agent.output, "the output target, base64");
  internal->add_option("--agent-header", agent.header, "the stream header, base64");
  internal->add_option("--agent-table", agent.table, "the table's metadata, base64");
  internal->add_option("--agent-idle-timeout", agent.idle_timeout_seconds,
                       "seconds without a request before the agent drops its output (600)");
  app.footer(
      "Exit status: 0 ok, 1 runtime failure (server, I/O), 2 usage error.\n"
      "Unlike pg_dump, --schema embeds the schema; a schema PATTERN is -n/--include-schema.\n"
      "Patterns follow pg_dump: * and ? wildcards, \"quoted\" names, schema.table.");

  if (auto exit_code = segstream::ParseCommandLine(app, argc, argv, kTool)) return *exit_code;
  if (!agent.role.empty()) return segstream::dump::RunSegmentAgent(agent);
  segstream::InstallTerminationHandling("dump-stream");
  if (auto st = segstream::ProgressFromFlag(progress, &o.progress); !st.ok())
    return segstream::ReportError(kTool, st);
  if (!format_name.empty() && format_name != "auto") {
    o.copy_format_auto = false;
    auto format = segstream::ParseCopyFormat(format_name);
    if (!format)
      return segstream::ReportError(
          kTool, segstream::Status::Usage("--format takes auto, text, csv or binary, not '" +
                                          format_name + "'"));
    o.copy_format = *format;
  }
  if (!split.empty() && split != "auto") {
    o.split_auto = false;
    if (split != "off") {
      auto size = segstream::ParseSize(split);
      if (!size.ok()) return segstream::ReportError(kTool, size.status());
      o.split_larger_than = size.value();
    }
  }
  segstream::Status st =
      o.segment_output.empty() ? segstream::dump::RunDump(o) : segstream::dump::RunClusterDump(o);
  if (st.ok()) return 0;
  return segstream::ReportError(kTool, st);
}
