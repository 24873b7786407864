// One COPY ... FROM STDIN on a connection: data goes in with Put, Finish ends it and reads
// the server's verdict. A COPY that is not finished (an early return: a failed send, an
// aborted input) is abandoned by the destructor, so the server fails it and the connection
// is ready for the ROLLBACK that follows.
// Thread safety: used by the thread that owns the connection.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "lib/common/pg/pg_conn.h"

namespace segstream::load {

class CopyIn {
 public:
  // Runs `sql`, a COPY ... FROM STDIN, on `conn` (borrowed; it must outlive the CopyIn). A
  // server refusal is a Status prefixed with `what`.
  static Result<CopyIn> Start(PGconn* conn, const std::string& sql, const std::string& what);
  CopyIn(CopyIn&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  CopyIn& operator=(CopyIn&&) = delete;
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;
  ~CopyIn() { Abandon(); }

  Status Put(std::span<const uint8_t> bytes);
  // Ends the COPY and returns the rows the server says it copied; a failed COPY is a
  // Status prefixed with `what`. The COPY is over afterwards, whatever the result.
  Result<uint64_t> Finish(const std::string& what);

 private:
  explicit CopyIn(PGconn* conn) : conn_(conn) {}
  void Abandon();

  PGconn* conn_;  // nullptr once finished or abandoned
};

}  // namespace segstream::load
