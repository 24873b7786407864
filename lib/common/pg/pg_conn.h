// libpq with RAII and Status: connections and results free themselves, and server errors
// come back as Status values carrying the SQLSTATE. Connection strings are taken as
// pg_dump takes them (-d name, conninfo or URI, plus -h -p -U; every PG* environment
// variable, .pgpass and service file work because libpq resolves them). Nothing here ever
// prints a password: descriptions use host, port, user and database only.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/pg/server_profile.h"

namespace segstream {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultFree {
  void operator()(PGresult* res) const { PQclear(res); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;
using PgResultPtr = std::unique_ptr<PGresult, PgResultFree>;

struct ConnOptions {
  std::string dbname;  // name, conninfo string or URI (like pg_dump -d)
  std::string host;
  std::string port;
  std::string user;
  std::string role;  // --role: SET ROLE on every connection, as pg_dump's and pg_restore's
  std::string application_name = "segstream";
};

Result<PgConnPtr> Connect(const ConnOptions& options);
// "host:port database db user u": for messages and stream headers; never the password.
std::string DescribeConnection(PGconn* conn);
// What the connected server's catalog and session have (server_profile.h).
Result<ServerProfile> ReadServerProfile(PGconn* conn);

// Runs one statement, never more (the extended query protocol refuses a second), so no
// text that reached `sql` can add statements of its own; anything but COMMAND_OK /
// TUPLES_OK is a kServer Status. Scripts of several statements are split first
// (load-stream's sql_split.h) and run one by one.
Result<PgResultPtr> Exec(PGconn* conn, const std::string& sql);
Result<PgResultPtr> ExecParams(PGconn* conn, const std::string& sql,
                               const std::vector<std::optional<std::string>>& params);
// The connection's current error as a Status (SQLSTATE included when there is one).
Status ServerError(PGconn* conn, const std::string& what, const PGresult* res = nullptr);

// A result field as a string ("" for NULL).
std::string Field(const PGresult* res, int row, int col);
bool FieldIsNull(const PGresult* res, int row, int col);

}  // namespace segstream
