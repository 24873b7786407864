// A stream's schema sections as they travel: pg_dump custom-format archives (pre-data,
// post-data) base64-encoded in SQL frames, split into chunks so that no frame passes the
// metadata limit (format::kMaxJsonPayload), and reassembled on the reading side into a file
// that pg_restore can read. Shared by dump-stream (writes), load-stream and toc (read).
//
// SQL frame JSON of an archive chunk:
//   {"section": "pre-data", "sql": "<comment>", "format": "pg_dump-custom",
//    "archive": "<base64>", "chunk": i, "chunks": n}
// Chunks of one section follow each other in order, 0 .. n-1, with nothing in between.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/common/format/stream_meta.h"
#include "lib/common/io/child_process.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream {

inline constexpr const char* kArchiveFormat = "pg_dump-custom";
// Raw archive bytes per SQL frame: base64 makes 4/3 of it, well under the 64 MiB limit.
inline constexpr size_t kArchiveChunkBytes = 32u << 20;

// Writes the archive at `path` as one or more SQL frames of `section`.
Status WriteArchiveSection(StreamWriter* writer, const std::string& section,
                           const std::string& path, size_t chunk_bytes = kArchiveChunkBytes);

// True when the section carries a pg_dump archive (rather than plain SQL).
bool IsArchiveSection(const SqlSection& sql);

// Collects one section's chunks into a temporary file. Not thread-safe.
class ArchiveAssembler {
 public:
  explicit ArchiveAssembler(std::string section) : section_(std::move(section)) {}
  // Adds the next chunk; *complete is set once the last one arrived. Chunks out of order,
  // a changing chunk count or bad base64 are kCorrupt.
  Status Add(const SqlSection& sql, bool* complete);
  bool started() const { return next_chunk_ > 0; }
  bool complete() const { return complete_; }
  // The archive file (valid once complete).
  const std::string& path() const { return file_.path(); }
  uint64_t bytes() const { return bytes_; }

 private:
  std::string section_;
  TempFile file_;
  int64_t next_chunk_ = 0;
  int64_t chunks_ = 0;
  uint64_t bytes_ = 0;
  bool complete_ = false;
};

}  // namespace segstream
