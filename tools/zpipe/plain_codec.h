// The byte path: for anything that is not a segstream, zpipe is a streaming codec that
// reads and writes the standard formats (.zst, .lz4, .gz), so zstd, lz4 and gzip read what
// it writes and it reads what they write, concatenated frames and members included.
#pragma once

#include <cstdint>

#include "lib/common/base/status.h"
#include "lib/common/format/format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/progress.h"
#include "tools/zpipe/detect.h"

namespace segstream::zpipe {

struct PlainOptions {
  format::Codec codec = format::Codec::kZstd;
  int level = 3;
  int threads = 1;
  int long_window_log = 0;    // zstd long-distance matching with this window; 0 off
  uint64_t content_size = 0;  // recorded in the zstd frame when known (regular file)
  bool content_size_known = false;
};

// Compresses everything from `source` to `out_fd` as one standard file of options.codec
// (gzip with threads > 1: independent members, which gzip -d reads as one file).
// `written`, when not null, gets the number of bytes written added to it.
Status CompressPlain(BufferedSource* source, int out_fd, const PlainOptions& options,
                     Progress* progress, uint64_t* written = nullptr);

// Decompresses a zstd, lz4 or gzip input (all its frames / members) to `out_fd`, or
// checks it only when out_fd is -1. Truncated or corrupt input is kCorrupt.
Status DecompressPlain(BufferedSource* source, InputFormat format, int out_fd, Progress* progress,
                       uint64_t* written = nullptr);

}  // namespace segstream::zpipe
