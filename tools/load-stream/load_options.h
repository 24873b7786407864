// What a load-stream run was asked to do, filled in by main.cc from the command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/common/format/format.h"
#include "lib/common/io/progress.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/table_selection.h"
#include "tools/load-stream/use_list.h"

namespace segstream::load {

struct LoadOptions {
  ConnOptions conn;
  std::string input = "-";
  std::string segment_input;  // --segment-input PATTERN: stream i into segment i, from its host
  int jobs = 1;
  bool truncate = false;
  bool cascade = false;  // --truncate ... CASCADE: also empties tables outside the load
  bool create_tables = false;
  bool single_transaction = false;
  bool on_error_continue = false;
  bool analyze = false;     // --analyze
  bool no_analyze = false;  // --no-analyze: not even after --schema
  // A restore with --schema made the tables, so it leaves them analyzed (the planner has
  // no statistics otherwise until autovacuum comes by), as pgcopydb does.
  bool Analyzes() const { return !no_analyze && (analyze || schema); }
  // --early-indexes: a table with at least this many COPY bytes gets its own indexes and
  // constraints as soon as it commits (early_post_data.h); nullopt: all after the last table.
  std::optional<uint64_t> early_indexes_min = uint64_t{16} << 20;
  bool dry_run = false;
  bool quiet = false;
  bool verbose = false;  // a line per table as it commits, like pg_restore -v
  std::string redirect_schema;
  std::vector<std::string> table_map;  // OLD=NEW, each side [schema.]name
  TableSelection selection;            // -t -n -T -N and the table files
  bool strict_names = false;           // each include pattern must match a table of the stream
  // -L/--use-list FILE (toc -l's lines, edited): only the objects, rows and sequence values
  // it lists.
  std::string use_list_file;
  std::optional<UseList> use_list;
  bool Listed(const std::string& schema, const std::string& name) const {
    return !use_list || use_list->tables.count({schema, name}) > 0;
  }
  // Whether a selected table's rows load: the data section runs and -L keeps the table.
  bool LoadsRowsOf(const std::string& schema, const std::string& name) const {
    return RunsSection(format::section::kData) && Listed(schema, name);
  }
  ProgressMode progress = ProgressMode::kOff;
  // SQL from the stream runs only when asked for (schema_apply.h):
  bool schema = false;  // pre-data, rows, post-data, sequence values
  // --section (repeatable, as pg_restore's): only these of pre-data, data (rows and sequence
  // values) and post-data; pre-data and post-data imply --schema. Empty: all that apply.
  std::vector<std::string> sections;
  bool RunsSection(const std::string& section) const {
    if (sections.empty()) return section == format::section::kData || schema;
    for (const auto& s : sections)
      if (s == section) return section == format::section::kData || schema;
    return false;
  }
  bool globals = false;           // roles and tablespaces, before everything else
  bool create_db = false;         // CREATE DATABASE the target first
  bool no_owner = false;          // as pg_restore --no-owner
  bool clean = false;             // as pg_restore --clean: drop pre-data's objects first
  bool if_exists = false;         // as pg_restore --if-exists (with --clean)
  bool no_privileges = false;     // as pg_restore --no-privileges
  bool no_sequences = false;      // leave the stream's sequence values unapplied
  bool disable_triggers = false;  // as pg_restore --disable-triggers (superusers)
  bool resume = false;            // skip what the journal says is committed; journal the rest
  std::string resume_key;         // "" = the stream's source identity (journal.h)
  bool keep_journal = false;      // a completed --resume load keeps its journal
  bool list_done = false;         // print the journal's finished tables and exit
  std::string pg_bindir;          // where pg_restore is; "" searches PATH
  std::string Program(const std::string& name) const {
    return pg_bindir.empty() ? name : pg_bindir + "/" + name;
  }
  // Frames queued for one job before the reader waits: bounds memory whatever the table size.
  size_t queue_bytes_per_job = 4u << 20;
};

// Loads the stream named by options.input into the database; the Status decides the exit.
Status RunLoad(const LoadOptions& options);

}  // namespace segstream::load
