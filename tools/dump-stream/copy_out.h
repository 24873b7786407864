// CopyOutSession runs one COPY ... TO STDOUT on a connection and hands each row, exactly as
// the server sent it, to a TableWriter. Rows are found by the COPY format, not by message
// (CopyRowSplitter): a message holding whole rows goes from the libpq buffer straight to
// AddRow, with no copy of ours. For binary COPY the 19-byte file header (plus any header
// extension) and the 2-byte trailer are stripped, so each stored row is one tuple.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <libpq-fe.h>

#include "lib/common/format/copy_format.h"
#include "lib/common/io/progress.h"
#include "lib/common/pg/copy_rows.h"
#include "lib/common/stream/stream_writer.h"
#include "tools/dump-stream/catalog.h"
#include "tools/dump-stream/split.h"

namespace segstream::dump {

// COPY for one table or one block range of it, with an explicit column list so generated
// columns are left out. Identifiers are quoted; the only other text is numbers we made.
std::string BuildCopySql(const DumpTable& table, const BlockRange& range, CopyFormat copy_format);

class CopyOutSession {
 public:
  // `progress` may be null. When `cancelled` becomes true (another job failed) Run stops
  // at the next row and returns a kIo "cancelled" status; the caller reports the first
  // failure, not this one.
  CopyOutSession(PGconn* conn, Progress* progress, const std::atomic<bool>* cancelled)
      : conn_(conn), progress_(progress), cancelled_(cancelled) {}

  // Runs `copy_sql`, writes every row to `writer` (not finished here), and checks the
  // server's "COPY n" against the rows written.
  Status Run(const std::string& copy_sql, CopyFormat format, TableWriter* writer);

 private:
  Status DrainResults(uint64_t rows);

  PGconn* conn_;
  Progress* progress_;
  const std::atomic<bool>* cancelled_;
};

}  // namespace segstream::dump
