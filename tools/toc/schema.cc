// --list-schema and --extract-schema: the schema sections of a stream, without a database.
// The pg_dump archives are reassembled into temporary files and handed to pg_restore (-l
// lists their objects as pg_restore -l does; -f - prints their SQL); globals and sequences
// are plain SQL already. Rows are not decoded, only their frames checked.
#include <set>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/format.h"
#include "lib/common/io/child_process.h"
#include "lib/common/stream/schema_archive.h"
#include "lib/common/stream/stream_reader.h"
#include "tools/toc/commands.h"

namespace segstream::toc {
namespace {

Status Write(BufferedSink* out, const std::string& text) {
  return out->Write(text.data(), text.size());
}

Status RunPgRestore(const std::vector<std::string>& args, const std::string& path,
                    BufferedSink* out) {
  ChildSpec spec;
  spec.argv = {"pg_restore"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.argv.push_back(path);
  ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
  RETURN_IF_ERROR(ChildStatus("pg_restore", r));
  return Write(out, r.out);
}

}  // namespace

Status Schema(const Input& in, const TocOptions& options, BufferedSink* out) {
  BufferedSource source(in.fd, in.name);
  ReaderOptions ropts;
  ropts.decode_rows = false;
  StreamReader reader(&source, ropts);
  std::unique_ptr<ArchiveAssembler> archive;
  uint64_t stream = 0;
  bool any = false;
  const bool sql = options.extract_schema;
  std::set<std::pair<std::string, std::string>> listed_tables;  // of the current stream
  for (;;) {
    Event ev;
    RETURN_IF_ERROR(InContext(reader.Next(&ev), in.name));
    if (ev.type == EventType::kEnd) break;
    if (ev.type == EventType::kStreamBegin) {
      stream = ev.stream_number;
      archive.reset();
      listed_tables.clear();
      continue;
    }
    if (ev.type == EventType::kTableBegin && !sql) {
      // One line per table (not per part), which load-stream -L reads back: comment it out
      // and its rows are not loaded.
      const TableInfo& t = ev.table->info;
      if (!listed_tables.emplace(t.schema, t.name).second) continue;
      if (listed_tables.size() == 1)
        RETURN_IF_ERROR(Write(out, "; stream " + std::to_string(stream) + ", section data\n"));
      RETURN_IF_ERROR(Write(
          out, "0; 0 0 TABLE DATA " + QuoteIdent(t.schema) + " " + QuoteIdent(t.name) + " -\n"));
      continue;
    }
    if (ev.type != EventType::kSql) continue;
    const SqlSection& s = ev.sql;
    std::string head = (sql ? "-- " : "; ") + std::string("stream ") + std::to_string(stream) +
                       ", section " + s.section + "\n";
    if (IsArchiveSection(s)) {
      if (!archive || archive->complete()) archive = std::make_unique<ArchiveAssembler>(s.section);
      bool complete = false;
      RETURN_IF_ERROR(InContext(archive->Add(s, &complete), in.name));
      if (!complete) continue;
      any = true;
      RETURN_IF_ERROR(Write(out, head));
      if (sql) {
        RETURN_IF_ERROR(RunPgRestore({"--file=-"}, archive->path(), out));
      } else {
        RETURN_IF_ERROR(RunPgRestore({"--list"}, archive->path(), out));
      }
      continue;
    }
    any = true;
    RETURN_IF_ERROR(Write(out, head));
    if (sql) {
      RETURN_IF_ERROR(Write(out, s.sql));
      if (!s.sql.empty() && s.sql.back() != '\n') RETURN_IF_ERROR(Write(out, "\n"));
    } else if (s.section == format::section::kSequences && s.extra.contains("sequences") &&
               s.extra["sequences"].is_array()) {
      // pg_restore -l style: one line per object, which load-stream -L reads back.
      for (const Json& q : s.extra["sequences"]) {
        if (!q.is_object()) continue;
        RETURN_IF_ERROR(
            Write(out, "0; 0 0 SEQUENCE SET " + QuoteIdent(q.value("schema", std::string())) + " " +
                           QuoteIdent(q.value("name", std::string())) + " " +
                           EscapeForMessage(q.value("last_value", std::string())) + "\n"));
      }
    } else {
      size_t statements = 0;
      for (char c : s.sql) statements += c == ';';
      RETURN_IF_ERROR(Write(out, "; " + std::to_string(s.sql.size()) + " bytes of SQL, about " +
                                     std::to_string(statements) + " statements\n"));
    }
  }
  if (!any && !options.quiet)
    std::fprintf(stderr, "%s: %s has no schema sections (dump-stream --schema writes them)\n",
                 kToolName, in.name.c_str());
  return out->Flush();
}

}  // namespace segstream::toc
