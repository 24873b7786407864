#include "tools/dump-stream/cluster_dump.h"

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "lib/common/base/text_escape.h"
#include "lib/common/cluster/agent_process.h"
#include "lib/common/cluster/cluster_agents.h"
#include "lib/common/format/format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/table_filter.h"
#include "lib/common/stream/schema_archive.h"
#include "lib/common/stream/stream_writer.h"
#include "tools/dump-stream/catalog.h"
#include "tools/dump-stream/schema_dump.h"
#include "tools/dump-stream/snapshot.h"

namespace segstream::dump {
namespace {

Status ValidateClusterOptions(const DumpOptions& o) {
  if (o.segment_output.find("%d") == std::string::npos)
    return Status::Usage("--segment-output " + o.segment_output + " has no %d")
        .WithHint("every segment writes its own stream: write e.g. '/data/bk/seg%d.sgs'");
  if (o.jobs != 1)
    return Status::Usage("--segment-output copies through one coordinator session")
        .WithHint("every segment already writes in parallel; leave out --jobs");
  if (!o.split_auto && o.split_larger_than)
    return Status::Usage("--split-larger-than does not apply to --segment-output");
  if (o.segment >= 0 || o.segments > 0)
    return Status::Usage(
        "--segment and --segments describe one stream; --segment-output "
        "numbers each segment's stream itself");
  if (!o.snapshot.empty()) return Status::Usage("--snapshot does not apply to --segment-output");
  if (o.schema_only)
    return Status::Usage("--schema-only has no rows for --segment-output to write");
  return Status::Ok();
}

// The segment agents of one cluster dump (segment_agent.h), from start to finish or abort.
class ClusterDump {
 public:
  ClusterDump(const DumpOptions& o, PGconn* conn, size_t segments, std::string exe)
      : o_(o), conn_(conn), agents_(conn, "dump-stream", std::move(exe), segments) {}
  ~ClusterDump() {
    if (started_ && !finished_) Abort();
  }

  Status CreateScratchTable() { return agents_.CreateScratchTable(); }

  Status StartAgents(const StreamInfo& header) {
    started_ = true;
    return agents_.RunEverywhere("collect",
                                 "--agent-segments " + std::to_string(agents_.segments()) +
                                     " --agent-output " + EncodeAgentArgument(o_.segment_output) +
                                     " --agent-header " +
                                     EncodeAgentArgument(header.ToJson().dump()),
                                 "cannot start the segment agents");
  }

  // COPY of one table; returns the rows the server counted over all segments.
  Result<uint64_t> CopyTable(const DumpTable& t) {
    std::string columns;
    for (const std::string& c : t.copy_columns)
      columns += (columns.empty() ? "" : ", ") + QuoteIdent(c);
    std::string cmd =
        agents_.Command("feed", "--agent-table " + EncodeAgentArgument(t.info.ToJson().dump()));
    std::string sql = "COPY " + QuoteIdent(t.info.schema) + "." + QuoteIdent(t.info.name);
    if (!columns.empty()) sql += " (" + columns + ")";
    sql += " TO PROGRAM " + QuoteLiteral(cmd) + OnSegmentClause(o_.copy_format);
    auto res = Exec(conn_, sql);
    if (!res.ok()) return res.take_status().WithTable(t.info.QualifiedName());
    return std::strtoull(PQcmdTuples(res->get()), nullptr, 10);
  }

  // Ends every segment's stream and returns each segment's report.
  Result<std::vector<Json>> Finish() {
    ASSIGN_OR_RETURN(std::vector<Json> reports,
                     agents_.AskEverywhere("finish", "", "a segment could not finish its stream"));
    return reports;
  }

  // Puts every segment's file in place, once all of them finished and were checked.
  Status Commit() {
    RETURN_IF_ERROR(
        agents_.RunEverywhere("commit", "", "a segment could not put its stream in place"));
    finished_ = true;
    return Status::Ok();
  }

  // After a failure: the transaction is rolled back first (an aborted transaction runs no
  // COPY), then every agent is told to drop its output. An agent that cannot be reached
  // drops it on its idle timeout.
  void Abort() {
    finished_ = true;
    agents_.StopAll();
  }

 private:
  const DumpOptions& o_;
  PGconn* conn_;
  SegmentAgents agents_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace

Status RunClusterDump(const DumpOptions& o) {
  RETURN_IF_ERROR(ValidateClusterOptions(o));
  TableFilter filter;
  TableFilter excludes;
  RETURN_IF_ERROR(o.selection.AddTo(&filter, &excludes));

  ASSIGN_OR_RETURN(PgConnPtr conn, Connect(o.conn));
  ASSIGN_OR_RETURN(ServerFacts facts, ReadServerFacts(conn.get()));
  if (!facts.profile.mpp()) {
    return Status::Usage("--segment-output needs a Greenplum or Cloudberry coordinator; " +
                         DescribeConnection(conn.get()) + " is PostgreSQL " + facts.version)
        .WithHint("dump a PostgreSQL server to one stream (leave out --segment-output)");
  }
  ASSIGN_OR_RETURN(std::vector<SegmentHost> segments, PrimarySegments(conn.get()));
  ASSIGN_OR_RETURN(std::string exe, OwnExecutablePath());
  ASSIGN_OR_RETURN(Json settings, ApplySessionSettings(conn.get(), facts.encoding, facts.profile));

  ClusterDump cluster(o, conn.get(), segments.size(), exe);
  RETURN_IF_ERROR(cluster.CreateScratchTable());
  // Not READ ONLY: the agents' reports come back into the session's temporary table.
  RETURN_IF_ERROR(Exec(conn.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ").status());
  ASSIGN_OR_RETURN(
      std::vector<DumpTable> tables,
      SelectAndLockTables(conn.get(), facts, filter, excludes, o.lock_wait_timeout, o.quiet));

  // The coordinator's stream: what belongs to the cluster, not to a segment.
  std::optional<SqlSection> globals;
  if (o.globals) {
    ASSIGN_OR_RETURN(globals, DumpGlobals(conn.get(), facts.profile, o));
  }
  TempFile pre_data, post_data;
  if (o.schema) {
    ASSIGN_OR_RETURN(
        pre_data, DumpSchemaSection(conn.get(), facts.profile, o, "", format::section::kPreData));
    ASSIGN_OR_RETURN(
        post_data, DumpSchemaSection(conn.get(), facts.profile, o, "", format::section::kPostData));
  }
  std::optional<SqlSection> sequences;
  if (o.WantsSequences()) {
    ASSIGN_OR_RETURN(sequences, ReadSequences(conn.get(), filter));
  }

  StreamInfo info = NewStreamInfo(conn.get(), facts, o.copy_format);
  info.segments = static_cast<int>(segments.size());
  info.extra["session_settings"] = settings;
  info.extra["mpp"] = facts.mpp;
  info.extra["cluster_dump"] = {{"consistent", true}, {"segment_output", o.segment_output}};

  // The coordinator's stream, when it has anything to carry or a place to go: opened (and
  // a terminal refused) before any segment starts, put in place after all of them.
  const bool carries = globals || o.schema || (sequences && !sequences->extra["sequences"].empty());
  const bool coordinator_stream = carries || o.output != "-" || !isatty(STDOUT_FILENO);
  PendingOutput pending;
  UniqueFd out;
  if (coordinator_stream) {
    ASSIGN_OR_RETURN(out, OpenOutput(o.output, &pending));
    Status refused = RefuseTerminalOutput(out.get(), o.force);
    if (!refused.ok())
      return std::move(refused).WithHint(
          "the schema and sequence values go to stdout: give -o FILE");
  }

  RETURN_IF_ERROR(cluster.StartAgents(info));
  Progress progress("dump-stream", o.quiet ? ProgressMode::kOff : o.progress);
  std::vector<std::pair<std::string, uint64_t>> counted;
  progress.SetPhase("data");
  for (const DumpTable& t : tables) {
    const auto started = std::chrono::steady_clock::now();
    progress.TableBegin(t.info.QualifiedName());
    ASSIGN_OR_RETURN(uint64_t rows, cluster.CopyTable(t));
    // A replicated table counts every segment's copy, as its streams hold them.
    counted.emplace_back(t.info.QualifiedName(), rows);
    progress.Add(0, rows);
    progress.TableEnd(t.info.QualifiedName(), {{"rows", rows}});
    if (o.verbose)
      progress.Log(
          "dump-stream: dumped " + t.info.QualifiedName() + ": " + std::to_string(rows) +
          " rows in " +
          FormatSeconds(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
  }
  ASSIGN_OR_RETURN(std::vector<Json> reports, cluster.Finish());
  // Each table's rows over all segment streams must be what the server counted.
  for (size_t i = 0; i < counted.size(); ++i) {
    uint64_t sum = 0;
    for (const Json& r : reports) sum += r.at("tables").at(i).at("rows").get<uint64_t>();
    if (sum != counted[i].second) {
      return Status::Corrupt("the segment streams hold " + std::to_string(sum) +
                             " rows but the "
                             "server copied " +
                             std::to_string(counted[i].second))
          .WithTable(counted[i].first);
    }
  }
  // The coordinator's stream is written in full first, so the last step is only renames.
  if (coordinator_stream) {
    BufferedSink sink(out.get(), OutputName(o.output));
    WriterOptions wopts;
    StreamWriter writer(&sink, wopts);
    Json outputs = Json::array();
    for (const Json& r : reports) outputs.push_back(r.at("output"));
    info.extra["segment_streams"] = outputs;
    RETURN_IF_ERROR(writer.Begin(info));
    if (globals) RETURN_IF_ERROR(writer.WriteSql(*globals));
    if (o.schema)
      RETURN_IF_ERROR(WriteArchiveSection(&writer, format::section::kPreData, pre_data.path()));
    if (o.schema)
      RETURN_IF_ERROR(WriteArchiveSection(&writer, format::section::kPostData, post_data.path()));
    if (sequences) RETURN_IF_ERROR(writer.WriteSql(*sequences));
    RETURN_IF_ERROR(writer.Finish());
    RETURN_IF_ERROR(sink.Flush());
    RETURN_IF_ERROR(out.Close(OutputName(o.output)));
  }
  RETURN_IF_ERROR(cluster.Commit());
  (void)Exec(conn.get(), "COMMIT");
  if (coordinator_stream) RETURN_IF_ERROR(pending.Commit());
  uint64_t rows = 0;
  for (const Json& r : reports)
    for (const Json& t : r.at("tables")) rows += t.at("rows").get<uint64_t>();
  // With --progress=json the summary is the last event, so stderr stays NDJSON.
  progress.Finish({{"tables", tables.size()}, {"rows", rows}, {"segment_streams", reports.size()}});
  if (!o.quiet && !progress.json()) {
    std::fprintf(stderr, "dump-stream: %zu tables, %llu rows in %zu segment streams (%s)\n",
                 tables.size(), static_cast<unsigned long long>(rows), reports.size(),
                 EscapeForMessage(o.segment_output).c_str());
  }
  return Status::Ok();
}

}  // namespace segstream::dump
