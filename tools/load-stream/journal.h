// The resume journal: one row per committed table part in segstream.journal on the target,
// inserted in the very transaction that commits the part (so a part is in the journal if
// and only if its rows are), keyed by a resume key that stays the same when an interrupted
// dump is run again (a new snapshot, a new stream id, the same source). Schema sections
// that ran (pre-data, post-data) are recorded too, with an empty schema name.
// Not thread-safe: the reader thread owns it; loaders only use InsertSql() and the key.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "lib/common/format/stream_meta.h"
#include "lib/common/pg/pg_conn.h"

namespace segstream::load {

// The default resume key of a stream: its source server (system identifier when the
// header has one, else host and port), database and segment. Never the snapshot or the
// stream id, which change on every run.
std::string DefaultResumeKey(const StreamInfo& stream);

// Parameterised INSERT of one journal row: $1 key, $2 schema, $3 name, $4 part, $5 parts,
// $6 rows, $7 digest.
extern const char* const kJournalInsertSql;

class Journal {
 public:
  explicit Journal(PGconn* conn) : conn_(conn) {}
  // Creates schema segstream and its journal table unless they exist.
  Status Ensure();
  // Once per key: takes the key's advisory lock for the life of the connection, so a
  // second run with the same key fails at once instead of loading the same tables; reads
  // the key's entries; and records which snapshot started the journal. When that was
  // another snapshot than `stream`'s, `*warning` says so: the target then mixes both.
  Status Load(const std::string& key, const StreamInfo& stream, std::string* warning);
  // Whether this part of the table was committed under `key`. A table journaled with a
  // different part count (the dump split it differently) cannot be resumed safely.
  Result<bool> PartDone(const std::string& key, const std::string& schema, const std::string& name,
                        int part, int parts) const;
  // Whether any part of the table was committed under `key`.
  bool AnyPartDone(const std::string& key, const std::string& schema,
                   const std::string& name) const;
  bool SectionDone(const std::string& key, const std::string& section) const;
  Status MarkSection(const std::string& key, const std::string& section);
  // The load completed: the entries of every key this run loaded are deleted, and the
  // journal with its schema once no other key has entries (a migrated database keeps no
  // trace of the tool). Returns whether the schema was dropped.
  Result<bool> Remove();

 private:
  using TableKey = std::tuple<std::string, std::string, std::string>;  // key, schema, name
  PGconn* conn_;
  std::set<std::string> loaded_keys_;
  std::map<TableKey, std::map<int, int>> parts_;  // part -> parts
};

// Prints the finished tables of the journal (all parts committed), one per line in the
// form --exclude-table-file reads; only those of `key` unless it is empty. A target without
// a journal has none.
Status PrintDoneTables(PGconn* conn, const std::string& key);

// A schema.table line as the table files read it: quoted where needed.
std::string TableFileLine(const std::string& schema, const std::string& name);

}  // namespace segstream::load
