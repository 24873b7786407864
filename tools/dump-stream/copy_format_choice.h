// Which COPY format a dump uses when the command line does not say (--format auto).
#pragma once

#include <string>
#include <vector>

#include <libpq-fe.h>

#include "lib/common/base/status.h"
#include "lib/common/format/copy_format.h"
#include "tools/dump-stream/catalog.h"

namespace segstream::dump {

// Binary COPY spares both servers the text conversions: the target parses no numbers,
// timestamps or JSON (a 2 GB migration took 17% less time, docs/benchmarks-schema.md). But
// a binary field is only as portable as the receive function that reads it, so auto picks
// binary only where every column's type is one whose wire format PostgreSQL 12 to 18 share
// (kPortableBinaryTypes, and arrays of them); a load into differently typed columns is
// refused by load-stream rather than misread. Everything else, and Greenplum, Cloudberry and
// servers before 12, stay on text.
inline constexpr const char* kPortableBinaryTypes[] = {
    "bool", "bytea",   "char",      "name",        "int2",     "int4",    "int8",  "oid",
    "text", "varchar", "bpchar",    "float4",      "float8",   "numeric", "money", "date",
    "time", "timetz",  "timestamp", "timestamptz", "interval", "uuid",    "json",  "jsonb",
    "inet", "cidr",    "macaddr",   "macaddr8",    "bit",      "varbit",  "pg_lsn"};

// The format for `tables` on the server `facts` describes: binary when every column of every
// table is of a portable type (one catalog query), text otherwise.
Result<CopyFormat> ChooseCopyFormat(PGconn* conn, const ServerFacts& facts,
                                    const std::vector<DumpTable>& tables);

}  // namespace segstream::dump
