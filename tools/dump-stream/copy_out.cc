#include "tools/dump-stream/copy_out.h"

#include <cstring>
#include <span>

#include "lib/common/format/format.h"
#include "lib/common/pg/pg_conn.h"

namespace segstream::dump {
namespace {

// PQfreemem for a libpq row buffer, whichever way the loop leaves.
struct CopyBuffer {
  char* data = nullptr;
  ~CopyBuffer() { reset(); }
  void reset() {
    if (data) PQfreemem(data);
    data = nullptr;
  }
};

constexpr uint64_t kProgressEveryBytes = 1 << 20;

}  // namespace

std::string BuildCopySql(const DumpTable& table, const BlockRange& range, CopyFormat copy_format) {
  std::string columns;
  for (const std::string& c : table.copy_columns) {
    if (!columns.empty()) columns += ", ";
    columns += QuoteIdent(c);
  }
  const std::string relation = QuoteIdent(table.info.schema) + "." + QuoteIdent(table.info.name);
  std::string cond = CtidCondition(range);
  std::string sql = "COPY ";
  if (!table.copy_query.empty()) {
    sql += "(" + table.copy_query + ")";
  } else if (cond.empty()) {
    sql += relation;
    if (!columns.empty()) sql += " (" + columns + ")";
  } else {
    sql += "(SELECT " + (columns.empty() ? std::string() : columns) + " FROM ONLY " + relation +
           " WHERE " + cond + ")";
  }
  sql += " TO STDOUT";
  if (copy_format != CopyFormat::kText)
    sql += std::string(" WITH (FORMAT ") + CopyFormatName(copy_format) + ")";
  return sql;
}

Status CopyOutSession::Run(const std::string& copy_sql, CopyFormat format, TableWriter* writer) {
  {
    PgResultPtr res(PQexec(conn_, copy_sql.c_str()));
    if (!res || PQresultStatus(res.get()) != PGRES_COPY_OUT) {
      return ServerError(conn_, "COPY failed", res.get());
    }
  }
  uint64_t rows = 0;
  uint64_t pending_bytes = 0;
  uint64_t pending_rows = 0;
  CopyRowSplitter splitter(format);
  auto add_row = [&](std::span<const uint8_t> row) {
    RETURN_IF_ERROR(writer->AddRow(row));
    ++rows;
    ++pending_rows;
    pending_bytes += row.size();
    return Status::Ok();
  };
  CopyBuffer buf;
  for (;;) {
    int n = PQgetCopyData(conn_, &buf.data, 0);
    if (n == -1) break;
    if (n < 0) return ServerError(conn_, "COPY failed");
    if (cancelled_ && cancelled_->load(std::memory_order_relaxed)) {
      return Status::Io("cancelled");
    }
    RETURN_IF_ERROR(
        splitter.Feed(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buf.data),
                                               static_cast<size_t>(n)),
                      add_row));
    buf.reset();
    if (progress_ && pending_bytes >= kProgressEveryBytes) {
      progress_->Add(pending_bytes, pending_rows);
      pending_bytes = pending_rows = 0;
    }
  }
  if (progress_ && (pending_bytes || pending_rows)) progress_->Add(pending_bytes, pending_rows);
  Status drained = DrainResults(rows);
  if (!drained.ok()) return drained;
  return splitter.Finish();
}

Status CopyOutSession::DrainResults(uint64_t rows) {
  Status status;
  for (;;) {
    PgResultPtr res(PQgetResult(conn_));
    if (!res) break;
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      if (status.ok()) status = ServerError(conn_, "COPY failed", res.get());
      continue;
    }
    const char* tuples = PQcmdTuples(res.get());
    if (status.ok() && tuples && *tuples && std::strtoull(tuples, nullptr, 10) != rows) {
      status = Status::Server("COPY reported " + std::string(tuples) + " rows but " +
                              std::to_string(rows) + " arrived");
    }
  }
  return status;
}

}  // namespace segstream::dump
