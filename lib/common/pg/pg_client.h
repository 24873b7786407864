// Which pg_dump, pg_dumpall or pg_restore to run against a server. A client older than the
// server refuses it (pg_dump 15 against PostgreSQL 16: "server version mismatch"), and a
// newer one handles every older server and archive, so the newest installed one is taken:
// from PATH and from Debian's /usr/lib/postgresql/*/bin. Greenplum and Cloudberry need their
// own (only it writes DISTRIBUTED BY and partition clauses), from $GPHOME/bin.
#pragma once

#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/pg/server_profile.h"

namespace segstream {

struct ClientCandidate {
  std::string path;
  int version_num = 0;  // 150018 for 15.18; 90424 for 9.4.24; 0 when --version said nothing
  // A script ("#!"): Debian's /usr/bin/pg_dump is postgresql-common's Perl wrapper, whose
  // start costs more CPU than a schema-only pg_restore of a small archive.
  bool script = false;
};

// "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 150018; 0 when unreadable.
int ParseClientVersion(const std::string& version_output);

// The newest of `candidates` whose major version is at least the server's (of equal versions,
// a program rather than a wrapper script); a kUsage status
// naming the server's version and every candidate's, with how to get a newer client, when
// none is.
Result<std::string> ChooseClient(const std::string& name, int server_version_num,
                                 const std::vector<ClientCandidate>& candidates);

// The program NAME to run against `profile`'s server: `bindir`/NAME when given; for
// Greenplum and Cloudberry $GPHOME/bin/NAME when GPHOME is set; else ChooseClient over
// PATH and /usr/lib/postgresql/*/bin. When no NAME is installed at all, NAME itself, so
// starting it reports it missing.
Result<std::string> ClientProgramFor(const ServerProfile& profile, const std::string& bindir,
                                     const std::string& name);

}  // namespace segstream
