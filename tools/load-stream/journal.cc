#include "tools/load-stream/journal.h"

#include <cerrno>
#include <cstdio>

namespace segstream::load {

const char* const kJournalInsertSql =
    "INSERT INTO segstream.journal (resume_key, schema_name, table_name, part, parts, rows, "
    "digest) VALUES ($1, $2, $3, $4::int, $5::int, $6::bigint, $7)";

std::string DefaultResumeKey(const StreamInfo& stream) {
  std::string source = stream.source;
  auto it = stream.extra.find("system_identifier");
  if (it != stream.extra.end() && it->is_string()) source = "sysid " + it->get<std::string>();
  std::string key = source + " database " + stream.database;
  if (stream.segment >= 0) key += " segment " + std::to_string(stream.segment);
  return key;
}

Status Journal::Ensure() {
  // IF NOT EXISTS is not race-free between concurrent first runs; one run per target is
  // the documented use. Its "already exists" NOTICE on every later run is noise.
  RETURN_IF_ERROR(Exec(conn_, "SET client_min_messages = warning").status());
  auto schema = Exec(conn_, "CREATE SCHEMA IF NOT EXISTS segstream");
  if (!schema.ok())
    return schema.take_status().Prefix("cannot create the resume journal's schema segstream");
  auto streams = Exec(conn_,
                      "CREATE TABLE IF NOT EXISTS segstream.journal_streams ("
                      " resume_key text PRIMARY KEY, snapshot text NOT NULL,"
                      " stream_id text NOT NULL, started_at timestamptz NOT NULL DEFAULT now())");
  if (!streams.ok())
    return streams.take_status().Prefix(
        "cannot create the resume journal segstream.journal_streams");
  auto res = Exec(conn_,
                  "CREATE TABLE IF NOT EXISTS segstream.journal ("
                  " resume_key text NOT NULL, schema_name text NOT NULL, table_name text NOT NULL,"
                  " part int NOT NULL, parts int NOT NULL, rows bigint NOT NULL,"
                  " digest text NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(),"
                  " PRIMARY KEY (resume_key, schema_name, table_name, part))");
  if (!res.ok())
    return res.take_status().Prefix("cannot create the resume journal segstream.journal");
  return Exec(conn_, "RESET client_min_messages").status();
}

Status Journal::Load(const std::string& key, const StreamInfo& stream, std::string* warning) {
  if (!loaded_keys_.insert(key).second) return Status::Ok();
  auto locked = ExecParams(conn_,
                           "SELECT pg_catalog.pg_try_advisory_lock("
                           "pg_catalog.hashtext('segstream.journal'), pg_catalog.hashtext($1))",
                           {key});
  if (!locked.ok()) return locked.take_status().Prefix("cannot lock the resume journal");
  if (Field(locked->get(), 0, 0) != "t")
    return Status::Server(
               "another load-stream --resume with this resume key is running on "
               "this database (key '" +
               key + "')")
        .WithHint("wait for it to end; two runs would load the same tables");
  auto res = ExecParams(conn_,
                        "SELECT schema_name, table_name, part, parts FROM segstream.journal "
                        "WHERE resume_key = $1",
                        {key});
  if (!res.ok()) return res.take_status().Prefix("cannot read the resume journal");
  for (int i = 0; i < PQntuples(res->get()); ++i) {
    parts_[{key, Field(res->get(), i, 0), Field(res->get(), i, 1)}]
          [std::stoi(Field(res->get(), i, 2))] = std::stoi(Field(res->get(), i, 3));
  }
  auto origin = ExecParams(conn_,
                           "SELECT snapshot, started_at::text FROM segstream.journal_streams "
                           "WHERE resume_key = $1",
                           {key});
  if (!origin.ok()) return origin.take_status().Prefix("cannot read the resume journal");
  if (PQntuples(origin->get()) == 0) {
    auto added = ExecParams(conn_,
                            "INSERT INTO segstream.journal_streams (resume_key, snapshot, "
                            "stream_id) VALUES ($1, $2, $3)",
                            {key, stream.snapshot, stream.stream_id});
    if (!added.ok()) return added.take_status().Prefix("cannot write the resume journal");
    return Status::Ok();
  }
  std::string snapshot = Field(origin->get(), 0, 0);
  size_t kept = 0;
  for (const auto& [table, parts] : parts_)
    if (std::get<0>(table) == key && !std::get<1>(table).empty()) kept += parts.size();
  if (snapshot != stream.snapshot && kept > 0)
    *warning = "resuming a load started at " + Field(origin->get(), 0, 1) + " from snapshot " +
               snapshot + " with a stream of snapshot " + stream.snapshot + ": " +
               std::to_string(kept) + " table part" + (kept == 1 ? "" : "s") +
               " committed then are kept, not reloaded, so the target mixes both snapshots "
               "(truncate and load without --resume for one snapshot)";
  return Status::Ok();
}

Result<bool> Journal::PartDone(const std::string& key, const std::string& schema,
                               const std::string& name, int part, int parts) const {
  auto it = parts_.find({key, schema, name});
  if (it == parts_.end()) return false;
  for (const auto& [p, n] : it->second) {
    if (n != parts)
      return Status::Usage("the journal has this table in " + std::to_string(n) +
                           " parts, the stream in " + std::to_string(parts) +
                           "; resuming would duplicate or lose rows")
          .WithHint(
              "re-run dump-stream with the same --split-larger-than, or truncate the "
              "table and delete its journal rows");
  }
  return it->second.count(part) > 0;
}

bool Journal::AnyPartDone(const std::string& key, const std::string& schema,
                          const std::string& name) const {
  return parts_.count({key, schema, name}) > 0;
}

bool Journal::SectionDone(const std::string& key, const std::string& section) const {
  return parts_.count({key, "", section}) > 0;
}

Status Journal::MarkSection(const std::string& key, const std::string& section) {
  auto res = ExecParams(conn_, kJournalInsertSql, {key, "", section, "0", "1", "0", ""});
  if (!res.ok()) return res.take_status().Prefix("cannot record " + section + " in the journal");
  parts_[{key, "", section}][0] = 1;
  return Status::Ok();
}

Result<bool> Journal::Remove() {
  RETURN_IF_ERROR(Exec(conn_, "BEGIN").status());
  auto fail = [&](Status st) {
    PgResultPtr rollback(PQexec(conn_, "ROLLBACK"));
    return std::move(st).Prefix("cannot remove the resume journal");
  };
  for (const std::string& key : loaded_keys_) {
    for (const char* sql : {"DELETE FROM segstream.journal WHERE resume_key = $1",
                            "DELETE FROM segstream.journal_streams WHERE resume_key = $1"}) {
      auto res = ExecParams(conn_, sql, {key});
      if (!res.ok()) return fail(res.take_status());
    }
  }
  auto left = Exec(conn_,
                   "SELECT (SELECT count(*) FROM segstream.journal) + "
                   "(SELECT count(*) FROM segstream.journal_streams)");
  if (!left.ok()) return fail(left.take_status());
  bool dropped = false;
  if (Field(left->get(), 0, 0) == "0") {
    // RESTRICT: a schema that holds anything else of the user's stays.
    auto tables = Exec(conn_, "DROP TABLE segstream.journal, segstream.journal_streams");
    if (!tables.ok()) return fail(tables.take_status());
    auto schema = Exec(conn_,
                       "SELECT count(*) FROM pg_catalog.pg_class c JOIN "
                       "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'segstream'");
    if (!schema.ok()) return fail(schema.take_status());
    if (Field(schema->get(), 0, 0) == "0") {
      auto drop = Exec(conn_, "DROP SCHEMA segstream");
      if (!drop.ok()) return fail(drop.take_status());
      dropped = true;
    }
  }
  auto commit = Exec(conn_, "COMMIT");
  if (!commit.ok()) return commit.take_status().Prefix("cannot remove the resume journal");
  parts_.clear();
  return dropped;
}

std::string TableFileLine(const std::string& schema, const std::string& name) {
  std::string s = QuoteIdent(schema), n = QuoteIdent(name);
  // A plain line is split at its first dot and taken literally; quoting both sides is only
  // needed when either name would not survive that.
  if (s == schema && n == name) return schema + "." + name;
  auto quoted = [](const std::string& ident) {
    std::string out = "\"";
    for (char c : ident) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  };
  return quoted(schema) + "." + quoted(name);
}

Status PrintDoneTables(PGconn* conn, const std::string& key) {
  auto exists = Exec(conn, "SELECT pg_catalog.to_regclass('segstream.journal') IS NOT NULL");
  if (!exists.ok()) return exists.take_status();
  if (Field(exists->get(), 0, 0) != "t") return Status::Ok();
  auto res = ExecParams(conn,
                        "SELECT DISTINCT schema_name, table_name FROM ("
                        " SELECT schema_name, table_name FROM segstream.journal"
                        " WHERE schema_name <> '' AND ($1::text IS NULL OR resume_key = $1)"
                        " GROUP BY resume_key, schema_name, table_name, parts"
                        " HAVING count(*) = parts) d ORDER BY 1, 2",
                        {key.empty() ? std::nullopt : std::optional<std::string>(key)});
  if (!res.ok()) return res.take_status().Prefix("cannot read the resume journal");
  for (int i = 0; i < PQntuples(res->get()); ++i) {
    std::string line = TableFileLine(Field(res->get(), i, 0), Field(res->get(), i, 1)) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size())
      return Status::FromErrno(errno, "cannot write to stdout");
  }
  if (std::fflush(stdout) != 0) return Status::FromErrno(errno, "cannot write to stdout");
  return Status::Ok();
}

}  // namespace segstream::load
