// A file or data stream gpbackup hands the plugin, as one segstream: a stream header
// naming the plugin as producer, one table "gpbackup"."BASE NAME" whose rows are the bytes
// in order (chunks, not COPY rows), and the usual trailers and index. So every stored object
// carries frame checksums, a byte count and a digest, and `toc --verify` checks it without
// the plugin; `toc --extract` of its one table gives the bytes back.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/format/format.h"
#include "lib/common/io/byte_io.h"
#include "tools/zpipe/plugin_object.h"

namespace segstream::plugin {

// The stream header's "gpbackup_plugin" member: what was stored and as what.
struct BlobIdentity {
  std::string kind;  // "file" (backup_file) or "data" (backup_data)
  std::string key;   // the path gpbackup named it by
};

struct BlobOptions {
  format::Codec codec = format::Codec::kZstd;
  int level = 1;
};

// Reads `in` to its end and writes it to `out` as one stored object. Fails on a read
// error; the caller decides that nothing partial becomes visible.
Status WriteBlob(int in_fd, const std::string& in_name, const BlobIdentity& id,
                 const BlobOptions& options, BufferedSink* out);

// Reads a stored object from `in`, checking everything a segstream reader checks plus its
// shape (one stream, one table, the key it was stored under), and writes its bytes to
// `out`: all of them, or with `ranges`, only those (ascending and non-overlapping, as one
// run of RangePasses; a range past the end is kCorrupt). Bytes go
// out only after their frame's checksum matched; a corrupt or truncated object is kCorrupt,
// which may come after some verified bytes were written.
Status ReadBlob(BufferedSource* in, const std::string& key, BufferedSink* out,
                const std::vector<ByteRange>* ranges = nullptr);

// Splits `ranges` into runs that one pass over an object can serve (each run ascending and
// non-overlapping); a range that starts before the previous one ended begins a new run.
std::vector<std::vector<ByteRange>> RangePasses(std::span<const ByteRange> ranges);

}  // namespace segstream::plugin
