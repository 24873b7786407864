#include "tools/load-stream/copy_in.h"

#include <algorithm>
#include <cstdlib>

namespace segstream::load {

Result<CopyIn> CopyIn::Start(PGconn* conn, const std::string& sql, const std::string& what) {
  // One statement, never more (see Exec).
  PgResultPtr res(PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
  if (!res || PQresultStatus(res.get()) != PGRES_COPY_IN) return ServerError(conn, what, res.get());
  return CopyIn(conn);
}

Status CopyIn::Put(std::span<const uint8_t> bytes) {
  // In pieces: libpq copies each CopyData message whole into its output buffer and keeps
  // the buffer's size, so a 500 MB row sent at once would cost 500 MB more for the rest
  // of the run. The server joins the pieces; COPY data need not follow row boundaries.
  constexpr size_t kPiece = 1u << 20;
  for (size_t at = 0; at < bytes.size(); at += kPiece) {
    size_t n = std::min(kPiece, bytes.size() - at);
    if (PQputCopyData(conn_, reinterpret_cast<const char*>(bytes.data() + at),
                      static_cast<int>(n)) != 1)
      return ServerError(conn_, "sending COPY data failed");
  }
  return Status::Ok();
}

Result<uint64_t> CopyIn::Finish(const std::string& what) {
  PGconn* conn = conn_;
  conn_ = nullptr;
  if (PQputCopyEnd(conn, nullptr) != 1) return ServerError(conn, "ending COPY failed");
  PgResultPtr res(PQgetResult(conn));
  bool copied = res && PQresultStatus(res.get()) == PGRES_COMMAND_OK;
  Status copy_error = copied ? Status::Ok() : ServerError(conn, what, res.get());
  std::string tag = res ? PQcmdTuples(res.get()) : "";
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  if (!copied) return copy_error;
  return std::strtoull(tag.c_str(), nullptr, 10);
}

void CopyIn::Abandon() {
  PGconn* conn = conn_;
  conn_ = nullptr;
  if (!conn || PQstatus(conn) == CONNECTION_BAD) return;
  PQputCopyEnd(conn, "load-stream abandoned this table");
  while (PGresult* res = PQgetResult(conn)) PQclear(res);
}

}  // namespace segstream::load
