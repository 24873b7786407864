// The three things toc does, each over an open input and output. Run() picks one.
#pragma once

#include <string>

#include "lib/common/io/byte_io.h"
#include "tools/toc/toc.h"

namespace segstream::toc {

struct Input {
  int fd = 0;
  std::string name;  // for messages: the path, or "stdin"
};

// `status` prefixed with the input's name ("app.sgs: frame checksum mismatch (...)").
Status InContext(Status status, const std::string& name);

// Lists the input's streams and tables (text or JSON) to `out`.
Status List(const Input& in, const TocOptions& options, BufferedSink* out);
// Reads everything, checking every checksum, trailer and digest; prints a verdict.
Status Verify(const Input& in, const TocOptions& options, BufferedSink* out);
// Writes the rows of the tables named by options.extract to `out` as COPY data.
Status Extract(const Input& in, const TocOptions& options, BufferedSink* out);
// --list-schema: the schema sections' objects (pg_restore -l of the pg_dump archives);
// --extract-schema: their SQL (pg_restore -f -), globals and sequences included, in stream
// order. Needs pg_restore in PATH.
Status Schema(const Input& in, const TocOptions& options, BufferedSink* out);

}  // namespace segstream::toc
